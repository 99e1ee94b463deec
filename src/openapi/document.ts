import type { z } from 'zod';
import { APP_VERSION } from '../paths.js';
import { ErrorBody } from './error-body.js';
import { isMediaBody, type ApiOperation, type ResponseSpec } from './operation.js';
import { toOpenApiSchema } from './json-schema.js';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted (the work goes on in a job)', 204: 'No content', 400: 'The request is invalid',
  401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 409: 'Conflicts with the current state', 413: 'Too large',
  422: 'The content cannot be used', 429: 'Too many requests', 503: 'A backing service or worker is unavailable',
};

const SCOPE_TEXT: Record<ApiOperation['scope'], string> = {
  public: 'No sign-in needed.',
  read: 'Needs a viewer (token scope `read`).',
  operate: 'Needs an operator (token scope `operate`).',
  admin: 'Needs an admin (token scope `admin`).',
};

function parametersOf(op: ApiOperation, components: Record<string, Json>): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = toOpenApiSchema(schema, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const required = where === 'path' || (json.required ?? []).includes(name);
      const { description, ...rest } = property as Json;
      out.push({ name, in: where, required, schema: rest, ...(description ? { description } : {}) });
    }
  };
  add('path', op.params);
  add('query', op.query);
  return out;
}

function responseOf(status: number, spec: ResponseSpec, components: Record<string, Json>): Json {
  const description = STATUS_TEXT[status] ?? String(status);
  if (spec === null) return { description };
  if (isMediaBody(spec)) {
    const media = spec.schema ? { schema: toOpenApiSchema(spec.schema, 'output', components) } : {};
    return { description: spec.description, content: { [spec.contentType]: media } };
  }
  return { description, content: { 'application/json': { schema: toOpenApiSchema(spec, 'output', components) } } };
}

function operationOf(op: ApiOperation, components: Record<string, Json>): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = responseOf(Number(status), spec, components);
  const errorSchema = { schema: { $ref: '#/components/schemas/Error' } };
  responses.default = { description: 'An error, in the one error shape', content: { 'application/json': errorSchema } };
  const parameters = parametersOf(op, components);
  const mediaOf = (schema: z.ZodType | undefined) => (schema ? { schema: toOpenApiSchema(schema, 'input', components) } : {});
  const body = op.body === undefined
    ? undefined
    : isMediaBody(op.body)
      ? { required: true, description: op.body.description, content: { [op.body.contentType]: mediaOf(op.body.schema) } }
      : { required: true, content: { 'application/json': { schema: toOpenApiSchema(op.body, 'input', components) } } };
  return {
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/(^|[/_.-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    summary: op.summary,
    description: SCOPE_TEXT[op.scope],
    tags: [op.tag],
    ...(op.scope === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, built from the operations' zod schemas. */
export function buildOpenApiDocument(operations: readonly ApiOperation[]): Json {
  const components: Record<string, Json> = {};
  const errorSchema = toOpenApiSchema(ErrorBody, 'output', components);
  const paths: Record<string, Json> = {};
  for (const op of [...operations].sort((a, b) => a.path.localeCompare(b.path))) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationOf(op, components) };
  }
  if (!components.Error) components.Error = errorSchema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'DMS API',
      version: APP_VERSION,
      description: 'Data Migration System: datasets, templates, validations and migrations into Salesforce. ' +
        'Authenticate with `Authorization: Bearer <token>` (a personal API token from the API tokens page, /account/tokens).',
    },
    servers: [{ url: '/' }],
    security: [{ bearerToken: [] }, { basicAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (dms_...) with a scope: read, operate or admin' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'User name and password; off when API_BASIC_AUTH=false (production default)' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'dms_session', description: 'A browser session (state changes also need x-csrf-token)' },
      },
    },
  };
}
