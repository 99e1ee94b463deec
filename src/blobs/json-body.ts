const BASE64_SLICE = 48 * 1024;

/**
 * A document with one inline attachment, as the JSON request body bytes: the base64 text is written once
 * into the body (no JSON.stringify pass over megabytes of base64 and no second copy when the request is sent).
 */
export function docWithAttachment(fields: Record<string, unknown>, name: string, contentType: string, data: Buffer): Buffer {
  const head = JSON.stringify(fields).slice(0, -1);
  const open = `${head}${head.length > 1 ? ',' : ''}"_attachments":{${JSON.stringify(name)}:{"content_type":${JSON.stringify(contentType)},"data":"`;
  const close = '"}}}';
  const openBytes = Buffer.byteLength(open);
  const body = Buffer.allocUnsafe(openBytes + 4 * Math.ceil(data.length / 3) + close.length);
  let at = body.write(open, 0, 'utf8');
  // Slices of a multiple of 3 bytes encode without padding; their small strings die young (no large-object garbage).
  for (let from = 0; from < data.length; from += BASE64_SLICE) at += body.write(data.toString('base64', from, Math.min(from + BASE64_SLICE, data.length)), at, 'latin1');
  body.write(close, at, 'latin1');
  return body;
}

const BULK_OPEN = Buffer.from('{"docs":[');
const BULK_CLOSE = Buffer.from(']}');
const BULK_ENVELOPE = Buffer.concat([BULK_OPEN, BULK_CLOSE]);
const COMMA = Buffer.from(',');

/** Cloudant refuses a request body over 10 MB (413); some of its pages say 11 MB or 64 MB: stay under the lowest. */
export const BULK_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `_bulk_docs` request bodies from documents already serialised by docWithAttachment, in order, each at most
 * `limit` bytes (a document larger than that goes alone: the server then says what is wrong with it).
 */
export function bulkBodies(docs: Buffer[], limit = BULK_BODY_BYTES): Buffer[] {
  const groups: Buffer[][] = [];
  let size = 0;
  for (const doc of docs) {
    const group = groups.at(-1);
    // A document adds itself and a comma to a body that already holds the envelope and at least one document.
    if (group && size + 1 + doc.length <= limit) {
      group.push(doc);
      size += 1 + doc.length;
    } else {
      groups.push([doc]);
      size = BULK_ENVELOPE.length + doc.length;
    }
  }
  return groups.map((group) => Buffer.concat([BULK_OPEN, ...group.flatMap((doc, i) => (i === 0 ? [doc] : [COMMA, doc])), BULK_CLOSE]));
}
