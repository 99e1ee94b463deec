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

/** A `_bulk_docs` request body from documents already serialised by docWithAttachment. */
export function bulkBody(docs: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('{"docs":[')];
  docs.forEach((doc, i) => parts.push(...(i > 0 ? [Buffer.from(','), doc] : [doc])));
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}
