import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A caller's own id is kept when it looks like one (a proxy's or a script's); anything else gets a new UUID. */
const CALLER_ID = /^[\w.:-]{8,100}$/;

/**
 * pino-http's genReqId: every request gets an id, sent back as `X-Request-Id`, logged with the request and
 * put in every error body, so "request 3f2c..." in a report finds its log lines.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CALLER_ID.test(sent) ? sent : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
