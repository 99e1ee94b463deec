import { z } from 'zod';
import type { ApiOperation, MediaBody } from '../../openapi/index.js';

/** Shapes several routers' answers share. Objects are loose: a new field is not a breaking change. */
export const IdParams = z.object({ id: z.string().meta({ description: 'The resource id' }) });
export const Urls = z.record(z.string(), z.string());
export const Failure = z.object({ code: z.string(), message: z.string() });
export const Totals = z.looseObject({
  rows: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});

/** A Server-Sent Events stream: `event:`/`data:` lines, kept open until the work ends. */
export const eventStream = (what: string): MediaBody => ({ contentType: 'text/event-stream', description: `Server-Sent Events: ${what}` });
export const csvFile = (what: string): MediaBody => ({ contentType: 'text/csv', description: what });
export const xlsxFile = (what: string): MediaBody => ({
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', description: what,
});

/**
 * The routes most resources share, under `path` (`/api/v1/transfers`): the list (`{ transfers: [...] }`, named by the
 * path's last part), one by id, and a control (POST `{id}/<action>`) that answers the resource as it now is.
 */
export function resourceRoutes(path: string, tag: string, view: z.ZodType) {
  const key = path.slice(path.lastIndexOf('/') + 1);
  return {
    list: (summary: string): ApiOperation => ({
      method: 'get', path, tag, scope: 'read', summary, responses: { 200: z.object({ [key]: z.array(view) }) },
    }),
    one: (summary: string): ApiOperation => ({
      method: 'get', path: `${path}/{id}`, tag, scope: 'read', summary, params: IdParams, responses: { 200: view },
    }),
    control: (action: string, summary: string, body?: z.ZodType): ApiOperation => ({
      method: 'post', path: `${path}/{id}/${action}`, tag, scope: 'operate', summary, params: IdParams,
      ...(body ? { body } : {}), responses: { 200: view },
    }),
  };
}
