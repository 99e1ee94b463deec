import { readerError } from '../reader-error.js';
import { bufferChunks } from '../source.js';
import type { ByteSource, ReaderOptions } from '../types.js';

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const TAIL_BYTES = 4 * 1024 * 1024;
const RATIO_FLOOR = 1024 * 1024;

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

/**
 * Zip-bomb guard, run before anything is inflated: the central directory's declared sizes
 * must add up to at most maxDecompressedBytes, and no large entry may compress better than
 * maxCompressionRatio. (The inflater then trusts these sizes; a lying archive fails to parse.)
 */
export async function checkZipBomb(source: ByteSource, limits: ReaderOptions['limits']): Promise<void> {
  const { tail, length } = await tailOf(source);
  const tailStart = length - tail.length;
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 65_535); i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw readerError('XLSX_CORRUPT', 'The workbook is not a complete zip file (no end-of-directory record): it is truncated or damaged.');
  const entries = tail.readUInt16LE(eocd + 10);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (directoryOffset === 0xffffffff || entries === 0xffff) {
    throw readerError('XLSX_TOO_LARGE', 'The workbook is a zip64 archive (over 4 GB or 65,535 parts); DMS does not read workbooks that large.');
  }
  let at = directoryOffset - tailStart;
  if (at < 0) throw readerError('XLSX_CORRUPT', 'The workbook\'s zip directory is larger than 4 MB; this is not a normal Excel file.');
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > tail.length || tail.readUInt32LE(at) !== CENTRAL_ENTRY) throw readerError('XLSX_CORRUPT', 'The workbook\'s zip directory is damaged.');
    const compressed = tail.readUInt32LE(at + 20);
    const uncompressed = tail.readUInt32LE(at + 24);
    const nameLength = tail.readUInt16LE(at + 28);
    const name = tail.toString('utf8', at + 46, at + 46 + nameLength);
    if (uncompressed === 0xffffffff) throw readerError('XLSX_TOO_LARGE', `The workbook part ${name} is over 4 GB uncompressed.`);
    total += uncompressed;
    if (total > limits.maxDecompressedBytes) {
      throw readerError('XLSX_ZIP_BOMB', `The workbook would unpack to more than ${limits.maxDecompressedBytes} bytes (reached at part ${name}); it was not opened. Split the data or export it as CSV.`, { part: name });
    }
    if (uncompressed > RATIO_FLOOR && uncompressed / Math.max(compressed, 1) > limits.maxCompressionRatio) {
      throw readerError('XLSX_ZIP_BOMB', `The workbook part ${name} is compressed ${Math.round(uncompressed / Math.max(compressed, 1))}:1 (limit ${limits.maxCompressionRatio}:1), a sign of a zip bomb; it was not opened.`, { part: name });
    }
    at += 46 + nameLength + tail.readUInt16LE(at + 30) + tail.readUInt16LE(at + 32);
  }
}
