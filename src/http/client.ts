import http from 'node:http';
import https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/** A response body as it arrives, decoded from gzip or deflate when the server compressed it. Read it whole, or cancel it. */
export interface HttpBody extends AsyncIterable<Buffer> {
  cancel(): void;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  /** A response header (any case), its values joined by ", " when repeated. */
  header(name: string): string | undefined;
  body: HttpBody;
  text(): Promise<string>;
  bytes(): Promise<Buffer>;
}

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** Text and bytes go with a Content-Length; an iterable is streamed (chunked), with back-pressure. */
  body?: string | Buffer | AsyncIterable<Uint8Array>;
  /** The whole exchange, body read included: past it the request is destroyed with a TimeoutError. */
  timeoutMs?: number;
}

/** Keep-alive pools, one per protocol: a run's hundreds of calls to one org or store reuse a few sockets. */
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

function timeoutError(url: URL, ms: number): Error {
  return Object.assign(new Error(`${url.host} did not finish answering within ${ms} ms`), { name: 'TimeoutError', code: 'TimeoutError' });
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = res.headers['content-encoding']?.toLowerCase();
  const inflate = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
  // pipeline destroys both streams on either's error, so a broken connection fails the read of the inflated body.
  return inflate ? pipeline(res, inflate, () => undefined) : res;
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * One HTTP(S) exchange on node:http, for the calls that move a run's bulk (Bulk uploads and results, attachments):
 * its bodies are Node streams of Buffers, where fetch's WHATWG streams cost the worker a promise and a copy per
 * piece (measured: 120 MB of results read with half the CPU). Network failures reject with the socket's `code`
 * (ECONNREFUSED, ECONNRESET, ...), as the callers' retry rules read it. Asks for gzip unless told otherwise (real
 * Salesforce compresses answers on request; the Local org and CouchDB answer as they are).
 */
export function httpRequest(target: string | URL, init: HttpRequestInit = {}): Promise<HttpResponse> {
  const url = typeof target === 'string' ? new URL(target) : target;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`Cannot send a request to ${url.protocol} addresses`));
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate' };
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const { body } = init;
  if (typeof body === 'string' || Buffer.isBuffer(body)) headers['content-length'] = String(Buffer.byteLength(body));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = transport.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] });
    let res: http.IncomingMessage | undefined;
    const timer = init.timeoutMs === undefined ? undefined : setTimeout(() => {
      const error = timeoutError(url, init.timeoutMs ?? 0);
      req.destroy(error);
      res?.destroy(error);
    }, init.timeoutMs);
    // The timer alone never keeps a process alive (a stopping worker exits with an abandoned body left unread).
    timer?.unref();
    const settle = () => clearTimeout(timer);
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    req.once('response', (answer) => {
      res = answer;
      // A failure while the body streams surfaces in its reader; this listener only keeps it from being unhandled.
      answer.on('error', () => undefined);
      answer.once('close', settle);
      const stream = decoded(answer);
      const status = answer.statusCode ?? 0;
      const response: HttpResponse = {
        status,
        ok: status >= 200 && status < 300,
        header: (name) => {
          const value = answer.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body: { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>, cancel: () => { stream.destroy(); answer.destroy(); } },
        bytes: () => collect(stream),
        text: async () => (await collect(stream)).toString('utf8'),
      };
      resolve(response);
    });
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    // Readable.from keeps the iterable's pace: it is pulled only as fast as the socket drains.
    pipeline(Readable.from(body, { objectMode: false }), req, (error) => {
      if (error) req.destroy(error);
    });
  });
}
