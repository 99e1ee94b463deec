import { z } from 'zod';
import type { MediaBody } from '../../openapi/index.js';

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
