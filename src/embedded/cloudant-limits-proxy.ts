import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { STORE_LIMITS, type StoreLimits } from '../store/limits.js';
import { checkWrite, requestTooLarge, type LimitRefusal } from './cloudant-limits.js';

export interface CloudantLimitsProxy {
  /** The proxy's URL, with the target's credentials if it had any, ending in `/`. */
  url: string;
  /** How many requests it refused, by error (for tests and logs). */
  refused: Record<LimitRefusal['error'], number>;
  close(): Promise<void>;
}

function refuse(res: ServerResponse, refusal: LimitRefusal): void {
  const body = JSON.stringify({ error: refusal.error, reason: refusal.reason });
  res.writeHead(413, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'must-revalidate',
  });
  res.end(body);
}

/** The request body, or undefined past `limit` (the rest is read and dropped, so that the client hears the 413). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size <= limit) parts.push(part as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(parts, size);
}

/**
 * An HTTP front for a CouchDB-compatible server that answers as IBM Cloudant does for writes over its limits
 * (STORE_LIMITS): 413 `too_large` for a request body, `document_too_large` for a document, `attachment_too_large`
 * for an attachment. Everything else passes through unchanged, streamed. Tests run against it (scripts/run-tests.mjs),
 * so code that Cloudant would refuse fails there too; pouchdb-server alone accepts documents of any size (and
 * aborts on the largest).
 */
export async function startCloudantLimitsProxy(
  target: string,
  options: { host?: string; port?: number; limits?: StoreLimits } = {},
): Promise<CloudantLimitsProxy> {
  const limits = options.limits ?? STORE_LIMITS;
  const upstream = new URL(target);
  const secure = upstream.protocol === 'https:';
  const pool = { keepAlive: true, maxSockets: 64 };
  const agent = secure ? new HttpsAgent(pool) : new HttpAgent(pool);
  const send = secure ? httpsRequest : httpRequest;
  const prefix = upstream.pathname.replace(/\/$/, '');
  const refused: CloudantLimitsProxy['refused'] = { too_large: 0, document_too_large: 0, attachment_too_large: 0 };

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer, retried = false) => {
    const headers = { ...req.headers, host: upstream.host };
    if (body) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
    }
    const { protocol, hostname, port } = upstream;
    const path = `${prefix}${req.url ?? '/'}`;
    const out = send({ protocol, hostname, port, method: req.method, path, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as it was reused: nothing reached the server, so send once more
      // (the body is buffered, or there is none). Under load this race cut a client's request now and then.
      if (out.reusedSocket && error.code === 'ECONNRESET' && !retried && !res.headersSent) return forward(req, res, body ?? Buffer.alloc(0), true);
      // The server went away: the client sees its connection drop, as it would without the proxy.
      res.destroy();
    });
    if (body) out.end(body);
    else req.pipe(out);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return forward(req, res);
    const body = await readBody(req, limits.requestBytes);
    const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
    const contentType = req.headers['content-type'] ?? '';
    const refusal = body ? checkWrite(req.method ?? 'GET', pathname, contentType, body, limits) : requestTooLarge;
    if (!refusal) return forward(req, res, body);
    refused[refusal.error]++;
    refuse(res, refusal);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const credentials = upstream.username ? `${upstream.username}:${upstream.password}@` : '';
  return {
    url: `http://${credentials}${options.host ?? '127.0.0.1'}:${port}/`,
    refused,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
