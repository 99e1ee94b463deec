import { readHead } from '../source.js';
import { decodeText, normaliseEncoding, unicodeForm, type TextPosition } from '../text/index.js';
import type { ByteSource, ReaderOptions } from '../types.js';

/**
 * A JSON or NDJSON file as text: UTF-8 unless the user chose an encoding or the file shows a UTF-16/32 mark or
 * UTF-32 shape (RFC 8259 asks for UTF-8; older writers produced the others). Strict, NUL characters refused.
 */
export async function* jsonText(
  source: ByteSource,
  options: ReaderOptions,
  format: 'JSON' | 'NDJSON',
  position: () => TextPosition,
): AsyncGenerator<string> {
  const head = await readHead(source, 4096);
  const encoding = options.encoding ? normaliseEncoding(options.encoding, head) : (unicodeForm(head) ?? 'utf-8');
  yield* decodeText(source, { encoding, format, position });
}
