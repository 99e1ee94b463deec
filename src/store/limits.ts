/**
 * IBM Cloudant's request limits (cloud.ibm.com/docs/Cloudant?topic=Cloudant-limits), read the strict way: decimal
 * megabytes, and 10 MB per request body although the limits page now says 64 MB (other Cloudant pages say 10 or
 * 11 MB). What fits these fits every Cloudant and CouchDB. Over a limit Cloudant answers 413.
 */
export const STORE_LIMITS = {
  /** One JSON document, measured as CouchDB measures it (documentSize): attachments and `_` fields excluded. */
  documentBytes: 1_000_000,
  /** One attachment's bytes, inline (base64 decoded) or sent raw. */
  attachmentBytes: 10_000_000,
  /** One HTTP request body, whatever it holds. */
  requestBytes: 10_000_000,
} as const;

export type StoreLimits = { readonly [K in keyof typeof STORE_LIMITS]: number };

function numberSize(value: number): number {
  // CouchDB sizes floats by rough decimal classes; the JSON text is close enough for a document of numbers.
  return Number.isFinite(value) ? String(value).length : 4;
}

/**
 * The size CouchDB gives a JSON value when it checks `max_document_size` (couch_ejson_size:encoded_size): the JSON
 * text's length with each string counted as its UTF-8 bytes plus two quotes. Escapes do not count (a string is
 * measured decoded), so a character costs 1 to 3 bytes per UTF-16 unit (3 for CJK text and lone surrogates).
 */
export function encodedSize(value: unknown): number {
  if (value === null || value === true) return 4;
  if (value === false) return 5;
  if (typeof value === 'string') return 2 + Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return numberSize(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 2;
    let size = 1;
    for (const item of value) size += encodedSize(item) + 1;
    return size;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return 2;
    let size = 1;
    for (const [key, item] of entries) size += encodedSize(key) + encodedSize(item) + 2;
    return size;
  }
  return 4;
}

/** A document's size against `documentBytes`: its body without the `_` fields (`_id`, `_rev`, `_attachments`, ...). */
export function documentSize(doc: Record<string, unknown>): number {
  const body = Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
  return encodedSize(body);
}
