import { httpRequest, type HttpResponse } from '../http/index.js';
import type { Store } from './store.js';
import { databaseName, type DatabaseName } from './schema.js';

/** A CouchDB error answer, shaped like nano's (statusCode, error, reason) so that withRetry, isMissing and isConflict apply. */
export class CouchHttpError extends Error {
  constructor(readonly statusCode: number, readonly error: string, readonly reason: string) {
    super(`${error}: ${reason}`);
    this.name = 'CouchHttpError';
  }
}

async function send(store: Store, method: 'GET' | 'PUT', path: string, init: { headers: Record<string, string>; body?: Buffer }): Promise<HttpResponse> {
  await store.client.authorize();
  let response: HttpResponse;
  try {
    response = await httpRequest(`${store.client.baseUrl}${path}`, { method, headers: { ...store.client.headers, ...init.headers }, body: init.body });
  } catch (error) {
    // The socket's code (ECONNRESET, ...) is what makes withRetry retry it.
    throw Object.assign(new Error(`${method} ${path}: ${(error as Error).message}`, { cause: error }), { code: (error as { code?: string }).code ?? 'REQUEST_FAILED' });
  }
  if (response.ok) return response;
  const text = await response.text();
  let answer: { error?: string; reason?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // a proxy's HTML page or an empty body: the status says enough
  }
  throw new CouchHttpError(response.status, answer.error ?? `http_${response.status}`, answer.reason ?? text.slice(0, 200));
}

const attachmentPath = (store: Store, db: DatabaseName, docId: string, name: string) =>
  `${encodeURIComponent(databaseName(store.prefix, db))}/${encodeURIComponent(docId)}/${encodeURIComponent(name)}`;

/**
 * Stores `data` as the document's attachment with a raw body (`PUT /db/doc/name`): no base64 and no JSON for
 * either side to build or parse. Without `rev` the document is created holding only the attachment (409 when
 * it exists). Returns the new revision.
 */
export async function putAttachment(store: Store, db: DatabaseName, docId: string, name: string, data: Buffer, contentType: string, rev?: string): Promise<string> {
  const path = `${attachmentPath(store, db, docId, name)}${rev ? `?rev=${encodeURIComponent(rev)}` : ''}`;
  const response = await send(store, 'PUT', path, { headers: { 'content-type': contentType, accept: 'application/json' }, body: data });
  return (JSON.parse(await response.text()) as { rev: string }).rev;
}

/**
 * An attachment's bytes as stored. Asks for them uncompressed: what DMS stores is compressed already, and a server
 * that compresses responses (pouchdb-server does, for any type it thinks compressible) would deflate it again on
 * every read, for the client to inflate.
 */
export async function getAttachment(store: Store, db: DatabaseName, docId: string, name: string): Promise<Buffer> {
  const response = await send(store, 'GET', attachmentPath(store, db, docId, name), { headers: { 'accept-encoding': 'identity' } });
  return response.bytes();
}
