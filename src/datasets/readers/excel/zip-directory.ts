import { readerError } from '../reader-error.js';
import { bufferChunks } from '../source.js';
import type { ByteSource, ReaderOptions } from '../types.js';

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const TAIL_BYTES = 4 * 1024 * 1024;
/** Entries smaller than this are not judged by their compression ratio (tiny parts compress oddly). */
export const RATIO_FLOOR = 1024 * 1024;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  compressedSize: number;
  /** As the directory declares it: a hint for early refusal only, never trusted while inflating. */
  declaredSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Entries by lower-case name: part names in a workbook are case-insensitive. */
  byName: Map<string, ZipEntry>;
  /** Where the directory starts: every entry's data must end before it. */
  directoryOffset: number;
}

/** Streams the file once, keeping only its last few MB, where a zip's central directory lives. */
async function tailOf(source: ByteSource): Promise<{ tail: Buffer; length: number }> {
  let tail = Buffer.alloc(0);
  let length = 0;
  for await (const chunk of bufferChunks(source)) {
    length += chunk.length;
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > 2 * TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
  }
  return { tail: tail.length > TAIL_BYTES ? tail.subarray(tail.length - TAIL_BYTES) : tail, length };
}

const corrupt = (what: string) => readerError(
  'XLSX_CORRUPT',
  `The workbook ${what}: it is truncated or damaged. Open it in Excel or LibreOffice and save it again.`,
);

/** Refuses early what the directory itself admits to: more than maxDecompressedBytes, or a part compressed like a bomb. */
function checkDeclared(entry: ZipEntry, total: number, limits: ReaderOptions['limits']): void {
  if (total > limits.maxDecompressedBytes) {
    throw readerError(
      'XLSX_ZIP_BOMB',
      `The workbook would unpack to more than ${limits.maxDecompressedBytes} bytes (reached at part ` +
        `${entry.name}); it was not opened. Split the data or export it as CSV.`,
      { part: entry.name },
    );
  }
  const ratio = entry.declaredSize / Math.max(entry.compressedSize, 1);
  if (entry.declaredSize > RATIO_FLOOR && ratio > limits.maxCompressionRatio) {
    throw readerError(
      'XLSX_ZIP_BOMB',
      `The workbook part ${entry.name} is compressed ${Math.round(ratio)}:1 (limit ` +
        `${limits.maxCompressionRatio}:1), a sign of a zip bomb; it was not opened.`,
      { part: entry.name },
    );
  }
}

/**
 * The zip's central directory, read from the file's last 4 MB. Its declared sizes are checked against the limits
 * at once (a cheap early refusal); the reading itself counts what is really inflated (zip-entries.ts).
 */
export async function readZipDirectory(source: ByteSource, limits: ReaderOptions['limits']): Promise<ZipDirectory> {
  const { tail, length } = await tailOf(source);
  const tailStart = length - tail.length;
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 65_535); i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt('is not a complete zip file (no end-of-directory record)');
  const count = tail.readUInt16LE(eocd + 10);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (directoryOffset === 0xffffffff || count === 0xffff) {
    const message = 'The workbook is a zip64 archive (over 4 GB or 65,535 parts); DMS does not read workbooks that large.';
    throw readerError('XLSX_TOO_LARGE', message);
  }
  let at = directoryOffset - tailStart;
  if (at < 0) throw corrupt('has a zip directory larger than 4 MB, which no normal Excel file has');
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > tail.length || tail.readUInt32LE(at) !== CENTRAL_ENTRY) throw corrupt('has a damaged zip directory');
    const nameLength = tail.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      name: tail.toString('utf8', at + 46, at + 46 + nameLength),
      flags: tail.readUInt16LE(at + 8),
      method: tail.readUInt16LE(at + 10),
      compressedSize: tail.readUInt32LE(at + 20),
      declaredSize: tail.readUInt32LE(at + 24),
      localHeaderOffset: tail.readUInt32LE(at + 42),
    };
    if (entry.declaredSize === 0xffffffff) {
      throw readerError('XLSX_TOO_LARGE', `The workbook part ${entry.name} is over 4 GB uncompressed.`);
    }
    if (entry.localHeaderOffset + 30 + entry.compressedSize > directoryOffset) {
      throw corrupt(`part ${entry.name} claims bytes past its zip directory`);
    }
    total += entry.declaredSize;
    checkDeclared(entry, total, limits);
    entries.push(entry);
    at += 46 + nameLength + tail.readUInt16LE(at + 30) + tail.readUInt16LE(at + 32);
  }
  const byName = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  return { entries, byName, directoryOffset };
}
