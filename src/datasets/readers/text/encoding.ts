import chardet from 'chardet';
import iconv from 'iconv-lite';
import { readerError } from '../reader-error.js';
import { Utf32Decoder, looksLikeUtf32 } from './utf32.js';

/** chardet names that iconv-lite spells differently or that a wider code page reads better. */
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'gb2312': 'gb18030',
  'gbk': 'gb18030',
};

const UNICODE_FORMS = new Set(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be']);

/** Whether NUL bytes are part of the encoding's normal text (UTF-16 and UTF-32), not a sign of a binary file. */
export const isWideUnicode = (encoding: string): boolean => UNICODE_FORMS.has(encoding);

function isValidUtf8(head: Buffer): boolean {
  try {
    // stream: true tolerates a multibyte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

const startsWith = (head: Buffer, bytes: number[]): boolean => bytes.every((byte, i) => head[i] === byte);

/**
 * The Unicode form of a text from its byte-order mark or, without one, from its UTF-32 shape (every 4-byte unit a
 * character, NULs in the high bytes). UTF-32 marks are checked before UTF-16 ones (FF FE 00 00 starts both), and a
 * UTF-16 mark in front of UTF-32 text is UTF-32. Undefined when the bytes say nothing.
 */
export function unicodeForm(head: Buffer): string | undefined {
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return 'utf-32be';
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return 'utf-32le';
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xfe, 0xff])) return looksLikeUtf32(head.subarray(2), true) ? 'utf-32be' : 'utf-16be';
  if (startsWith(head, [0xff, 0xfe])) return looksLikeUtf32(head.subarray(2), false) ? 'utf-32le' : 'utf-16le';
  if (looksLikeUtf32(head, false)) return 'utf-32le';
  if (looksLikeUtf32(head, true)) return 'utf-32be';
  return undefined;
}

/** Unicode form first (marks, UTF-32 shape), then "is it valid UTF-8?", then chardet's best guess over the sample. */
export function detectEncoding(head: Buffer): string {
  const form = unicodeForm(head);
  if (form) return form;
  if (isValidUtf8(head)) return 'utf-8';
  const guess = chardet.detect(head)?.toLowerCase() ?? 'windows-1252';
  const name = ALIASES[guess] ?? guess;
  return iconv.encodingExists(name) ? name : 'windows-1252';
}

/**
 * The encoding a user named, spelled canonically. "utf-16" and "utf-32" without a byte order take it from the
 * file's mark or shape (UTF-32 defaults to big-endian, UTF-16 to little-endian, as Windows writes it).
 */
export function normaliseEncoding(encoding: string, head: Buffer): string {
  const name = encoding.trim().toLowerCase();
  const unicode = /^(?:utf|ucs)-?(8|16|32|2|4)(?:-?(le|be))?$/.exec(name);
  if (unicode) {
    const bits = { 8: '8', 16: '16', 2: '16', 32: '32', 4: '32' }[unicode[1]] as string;
    if (bits === '8') return 'utf-8';
    if (unicode[2]) return `utf-${bits}${unicode[2]}`;
    const form = unicodeForm(head);
    if (form?.startsWith(`utf-${bits}`)) return form;
    return bits === '32' ? 'utf-32be' : 'utf-16le';
  }
  if (!iconv.encodingExists(name)) {
    throw readerError(
      'UNKNOWN_ENCODING',
      `"${encoding}" is not an encoding DMS knows. Use e.g. utf-8, utf-16le, utf-32le, gb18030, big5, ` +
        `shift_jis or windows-1252.`,
    );
  }
  return name;
}

export interface TextDecoderStream {
  /** Decodes the next bytes; a character split across chunks is completed by the next call. */
  write(chunk: Buffer): string;
  end(): string;
}

/**
 * UTF-8 and UTF-16 are decoded strictly by TextDecoder, UTF-32 by our own strict decoder (bad bytes throw; a byte
 * order mark is dropped); other encodings through iconv-lite.
 */
export function createTextDecoder(encoding: string): TextDecoderStream {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') {
    const decoder = new TextDecoder(encoding, { fatal: true });
    return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
  }
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return new Utf32Decoder(encoding === 'utf-32be');
  const decoder = iconv.getDecoder(encoding);
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

/** Decodes a sample leniently (a cut character or a bad byte becomes U+FFFD): for sniffing only, never for data. */
export function sampleText(head: Buffer, encoding: string): string {
  try {
    return createTextDecoder(encoding).write(head);
  } catch {
    return iconv.decode(head, encoding.startsWith('utf-32') ? encoding.replace('-', '') : encoding);
  }
}
