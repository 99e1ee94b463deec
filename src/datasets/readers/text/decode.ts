import { readerError } from '../reader-error.js';
import { bufferChunks } from '../source.js';
import type { ByteSource } from '../types.js';
import { createTextDecoder } from './encoding.js';

/** Where the reader is in the text it has been given: the next character's line and column (1-based). */
export interface TextPosition {
  line: number;
  column: number;
}

export interface DecodeOptions {
  encoding: string;
  /** The format's name in error codes: CSV_UNDECODABLE, JSON_UNDECODABLE, ... */
  format: 'CSV' | 'JSON' | 'NDJSON';
  /** Asked only when an error is reported; by then the reader has consumed every piece before the bad one. */
  position: () => TextPosition;
}

/** The line and column of `text[index]` when `text` starts at `at`. */
function positionIn(text: string, index: number, at: TextPosition): TextPosition {
  const prefix = text.slice(0, index);
  const lastNewline = prefix.lastIndexOf('\n');
  if (lastNewline === -1) return { line: at.line, column: at.column + index };
  const newlines = prefix.split('\n').length - 1;
  return { line: at.line + newlines, column: index - lastNewline };
}

function undecodable(options: DecodeOptions, chunk: Buffer, bytesBefore: number): Error {
  // UTF-8 can say how far into the piece the bad bytes are; other decoders only which piece.
  const lenient = options.encoding === 'utf-8' ? new TextDecoder().decode(chunk) : '';
  const index = Math.max(0, lenient.indexOf('\uFFFD'));
  const { line, column } = positionIn(lenient, index, options.position());
  const byte = bytesBefore + Buffer.byteLength(lenient.slice(0, index));
  return readerError(
    `${options.format}_UNDECODABLE`,
    `Line ${line}, column ${column} (near byte ${byte}) holds bytes that are not valid ${options.encoding}. ` +
      "Choose the file's real encoding (for example windows-1252, gb18030, shift_jis, utf-16le or utf-32le) " +
      'in the encoding option, or save the file as UTF-8.',
    { line, column, byte, encoding: options.encoding },
  );
}

function nulCharacter(options: DecodeOptions, text: string, index: number): Error {
  const { line, column } = positionIn(text, index, options.position());
  return readerError(
    'TEXT_NUL_CHARACTER',
    `Line ${line}, column ${column}: read as ${options.encoding}, the text holds a NUL character (U+0000). ` +
      'No Salesforce field can hold one, and it usually means the encoding is wrong (UTF-16 or UTF-32 text ' +
      "read as another). Choose the file's real encoding in the encoding option, or remove the NUL characters.",
    { line, column, encoding: options.encoding },
  );
}

/**
 * The source as text, piece by piece, strictly decoded: bytes that are not valid in the encoding and NUL
 * characters are refused with the line and column they are on, never passed on or replaced.
 */
export async function* decodeText(source: ByteSource, options: DecodeOptions): AsyncGenerator<string> {
  const decoder = createTextDecoder(options.encoding);
  let bytes = 0;
  const checked = (text: string): string => {
    const nul = text.indexOf('\0');
    if (nul !== -1) throw nulCharacter(options, text, nul);
    return text;
  };
  for await (const chunk of bufferChunks(source)) {
    let text: string;
    try {
      text = decoder.write(chunk);
    } catch {
      throw undecodable(options, chunk, bytes);
    }
    bytes += chunk.length;
    if (text !== '') yield checked(text);
  }
  let rest: string;
  try {
    rest = decoder.end();
  } catch {
    throw undecodable(options, Buffer.alloc(0), bytes);
  }
  if (rest !== '') yield checked(rest);
}
