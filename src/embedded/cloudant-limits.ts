import { documentSize, type StoreLimits } from '../store/limits.js';

/** What Cloudant (CouchDB's chttpd) answers for a write over a limit: 413 and one of three bodies. */
export interface LimitRefusal {
  error: 'too_large' | 'document_too_large' | 'attachment_too_large';
  /** The document id or attachment name, as CouchDB puts it (empty when a bulk document has no `_id`). */
  reason: string;
}

export const requestTooLarge: LimitRefusal = { error: 'too_large', reason: 'the request entity is too large' };

type Doc = Record<string, unknown>;

/** Bytes of an inline attachment (base64 text) or a `follows` one (its declared length). */
function attachmentBytes(attachment: unknown): number {
  const { data, length } = (attachment ?? {}) as { data?: unknown; length?: unknown };
  if (typeof data === 'string') {
    const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
    return Math.floor((data.length * 3) / 4) - padding;
  }
  return typeof length === 'number' ? length : 0;
}

/** CouchDB's order: the document's size first, then each attachment. */
function checkDoc(doc: unknown, id: string | undefined, limits: StoreLimits): LimitRefusal | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const fields = doc as Doc;
  const docId = id ?? (typeof fields._id === 'string' ? fields._id : '');
  if (documentSize(fields) > limits.documentBytes) return { error: 'document_too_large', reason: docId };
  const attachments = (fields._attachments ?? {}) as Doc;
  for (const [name, attachment] of Object.entries(attachments)) {
    if (attachmentBytes(attachment) > limits.attachmentBytes) return { error: 'attachment_too_large', reason: name };
  }
  return undefined;
}

/** The JSON document of a `multipart/related` PUT: its first part. */
function multipartDoc(body: Buffer, contentType: string): unknown {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const start = body.indexOf('\r\n\r\n', body.indexOf(`--${boundary}`));
  if (start === -1) return undefined;
  const end = body.indexOf(`\r\n--${boundary}`, start);
  return JSON.parse(body.toString('utf8', start + 4, end === -1 ? body.length : end));
}

/** The document a path names (`db/id`, `db/_design/name`, `db/_local/name`) and what follows it. */
function documentPath(segments: string[]): { id: string; rest: string[] } | undefined {
  const [, first, ...after] = segments;
  if (first === undefined || (first.startsWith('_') && !/^_(design|local)/.test(first))) return undefined;
  const special = (first === '_design' || first === '_local') && after.length > 0;
  if (special) return { id: `${first}/${after[0]}`, rest: after.slice(1) };
  return { id: first, rest: after };
}

/**
 * Whether a write breaks Cloudant's document or attachment limits (the body's own size is checked before).
 * Writes are `POST /db`, `POST /db/_bulk_docs`, `PUT /db/doc` (JSON or multipart/related) and
 * `PUT /db/doc/attachment` (raw bytes); a body that is not JSON is left for the server to refuse.
 */
export function checkWrite(
  method: string,
  pathname: string,
  contentType: string,
  body: Buffer,
  limits: StoreLimits,
): LimitRefusal | undefined {
  // A document is never larger than its JSON text, nor an attachment than the body that carries it.
  if (body.length <= Math.min(limits.documentBytes, limits.attachmentBytes)) return undefined;
  const segments = pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  if (segments.length === 0) return undefined;
  const parse = (): unknown => {
    try {
      if (contentType.startsWith('multipart/related')) return multipartDoc(body, contentType);
      return JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
  };
  if (method === 'POST' && segments.length === 1) return checkDoc(parse(), undefined, limits);
  if (method === 'POST' && segments[1] === '_bulk_docs' && segments.length === 2) {
    const docs = (parse() as { docs?: unknown } | undefined)?.docs;
    if (!Array.isArray(docs)) return undefined;
    for (const doc of docs) {
      const refusal = checkDoc(doc, undefined, limits);
      if (refusal) return refusal;
    }
    return undefined;
  }
  const target = method === 'PUT' ? documentPath(segments) : undefined;
  if (!target) return undefined;
  if (target.rest.length === 0) return checkDoc(parse(), target.id, limits);
  if (body.length <= limits.attachmentBytes) return undefined;
  return { error: 'attachment_too_large', reason: target.rest.join('/') };
}
