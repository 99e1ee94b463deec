import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** What a token must allow (src/auth/scopes.ts); 'public' needs no sign-in. */
export type OperationScope = 'public' | 'read' | 'operate' | 'admin';

/** A body that is not JSON: a CSV download, an event stream, a multipart upload. */
export interface MediaBody {
  contentType: string;
  description: string;
  schema?: z.ZodType;
}

/** A response: a zod schema of the JSON body, a non-JSON body, or null for no body (204). */
export type ResponseSpec = z.ZodType | MediaBody | null;

/**
 * One route of /api/v1 as the OpenAPI document describes it. `path` uses OpenAPI's `{id}`; the zod schemas are
 * the ones the route parses its input with, so the document cannot drift from what the route accepts.
 */
export interface ApiOperation {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  scope: OperationScope;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType | MediaBody;
  responses: Record<number, ResponseSpec>;
}

export const isMediaBody = (spec: unknown): spec is MediaBody =>
  typeof spec === 'object' && spec !== null && 'contentType' in spec && 'description' in spec;

/** The Express form of an OpenAPI path: `/api/v1/datasets/{id}` -> `/api/v1/datasets/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** Types a router's list of operations (the contract files beside the routers use it). */
export const defineOperations = (operations: ApiOperation[]): readonly ApiOperation[] => operations;
