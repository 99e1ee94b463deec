import chardet from 'chardet';
import iconv from 'iconv-lite';
import { readerError } from '../reader-error.js';

/** chardet names that iconv-lite spells differently or that a wider code page reads better. */
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'gb2312': 'gb18030',
  'gbk': 'gb18030',
};

function isValidUtf8(head: Buffer): boolean {
  try {
    // stream: true tolerates a multibyte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** BOM first, then "is it valid UTF-8?", then chardet's best guess over the sample. */
export function detectEncoding(head: Buffer): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (isValidUtf8(head)) return 'utf-8';
  const guess = chardet.detect(head)?.toLowerCase() ?? 'windows-1252';
  const name = ALIASES[guess] ?? guess;
  return iconv.encodingExists(name) ? name : 'windows-1252';
}

export interface TextDecoderStream {
  /** Decodes the next bytes; a character split across chunks is completed by the next call. */
  write(chunk: Buffer): string;
  end(): string;
}

export function normaliseEncoding(encoding: string): string {
  const name = encoding.trim().toLowerCase();
  const canonical = name === 'utf8' ? 'utf-8' : name;
  if (!iconv.encodingExists(canonical)) {
    throw readerError('UNKNOWN_ENCODING', `"${encoding}" is not an encoding DMS knows. Use e.g. utf-8, utf-16le, gb18030, big5, shift_jis or windows-1252.`);
  }
  return canonical;
}

/** UTF-8 is decoded strictly (undecodable bytes throw TypeError); other encodings through iconv-lite. */
export function createTextDecoder(encoding: string): TextDecoderStream {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(encoding);
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}
