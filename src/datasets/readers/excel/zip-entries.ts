import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { readerError } from '../reader-error.js';
import type { ByteSource, ReaderOptions } from '../types.js';
import { RATIO_FLOOR, type ZipDirectory, type ZipEntry } from './zip-directory.js';

const LOCAL_HEADER = 0x04034b50;
const INPUT_PIECE = 16 * 1024;

/** Reads a stream forward only: skip to an offset, read a few bytes, or hand on a range piece by piece. */
class ByteCursor {
  private readonly iterator: AsyncIterator<unknown>;
  private pending: Buffer = Buffer.alloc(0);
  /** File offset of pending[0]. */
  position = 0;

  constructor(stream: NodeJS.ReadableStream) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    this.position += this.pending.length;
    const chunk = next.value;
    this.pending = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    return true;
  }

  async skipTo(offset: number): Promise<void> {
    if (offset < this.position) throw damaged("'s zip parts overlap: it is damaged or built to deceive");
    while (this.position + this.pending.length <= offset) {
      if (!(await this.fill())) throw truncated();
    }
    this.pending = this.pending.subarray(offset - this.position);
    this.position = offset;
  }

  async read(length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.take(length)) parts.push(part);
    return Buffer.concat(parts, length);
  }

  async *take(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.pending.length === 0 && !(await this.fill())) throw truncated();
      const part = this.pending.subarray(0, left);
      this.pending = this.pending.subarray(part.length);
      this.position += part.length;
      left -= part.length;
      yield part;
    }
  }

  close(): void {
    void this.iterator.return?.();
  }
}

const damaged = (what: string, details?: Record<string, unknown>) =>
  readerError('XLSX_CORRUPT', `The workbook${what}. Save it again from Excel or LibreOffice, or upload the whole file again.`, details);
const truncated = () => damaged(' ends before its last part: it is truncated or damaged');

/**
 * Every byte inflated from the workbook, counted as it comes out, whatever the zip headers claim: past
 * maxDecompressedBytes in all, or a part over 1 MB that inflates more than maxCompressionRatio times its
 * compressed bytes so far, the read stops.
 */
export class InflateBudget {
  private used = 0;

  constructor(private readonly limits: ReaderOptions['limits']) {}

  count(entry: ZipEntry, entryOut: number, entryIn: number, bytes: number): void {
    this.used += bytes;
    if (this.used > this.limits.maxDecompressedBytes) {
      throw readerError(
        'XLSX_ZIP_BOMB',
        `The workbook unpacks to more than ${this.limits.maxDecompressedBytes} bytes (reached in part ` +
          `${entry.name}), whatever its zip headers say; reading stopped. Split the data or export it as CSV.`,
        { part: entry.name },
      );
    }
    if (entryOut > RATIO_FLOOR && entryOut > this.limits.maxCompressionRatio * Math.max(entryIn, 1)) {
      throw readerError(
        'XLSX_ZIP_BOMB',
        `The workbook part ${entry.name} inflates more than ${this.limits.maxCompressionRatio} times its ` +
          `compressed size (limit ${this.limits.maxCompressionRatio}:1), a sign of a zip bomb; reading stopped.`,
        { part: entry.name },
      );
    }
  }
}

/** The inflated bytes of one entry, counted against the budget while they stream. */
async function* entryBytes(cursor: ByteCursor, entry: ZipEntry, budget: InflateBudget): AsyncGenerator<Buffer> {
  await cursor.skipTo(entry.localHeaderOffset);
  const header = await cursor.read(30);
  const part = { part: entry.name };
  if (header.readUInt32LE(0) !== LOCAL_HEADER) throw damaged(` part ${entry.name} is not where its zip directory says`, part);
  if (entry.flags & 1) {
    const advice = 'Remove the password in Excel (File > Info > Protect Workbook) and upload it again.';
    throw readerError('XLSX_ENCRYPTED', `The workbook part ${entry.name} is encrypted. ${advice}`, part);
  }
  await cursor.skipTo(cursor.position + header.readUInt16LE(26) + header.readUInt16LE(28));
  // Small input pieces: zlib inflates a whole input piece before the consumer can look (1 KB may become 1 MB).
  const compressed = async function* (): AsyncGenerator<Buffer> {
    for await (const part of cursor.take(entry.compressedSize)) {
      for (let at = 0; at < part.length; at += INPUT_PIECE) yield part.subarray(at, at + INPUT_PIECE);
    }
  };
  if (entry.method !== 0 && entry.method !== 8) {
    throw readerError(
      'XLSX_UNSUPPORTED_COMPRESSION',
      `The workbook part ${entry.name} is compressed with zip method ${entry.method}; Excel files use ` +
        `deflate. Save the workbook again from Excel or LibreOffice.`,
      { part: entry.name },
    );
  }
  const inflater = entry.method === 8 ? createInflateRaw({ chunkSize: 64 * 1024 }) : undefined;
  const stream = inflater ? pipeline(Readable.from(compressed()), inflater, () => undefined) : Readable.from(compressed());
  let out = 0;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      out += piece.length;
      // bytesWritten: the compressed bytes zlib has consumed so far (not merely been handed).
      budget.count(entry, out, inflater ? inflater.bytesWritten : out, piece.length);
      yield piece;
    }
  } catch (error) {
    // zlib's own errors (bad deflate data) carry an errno; ours and the cursor's are AppErrors.
    if (error instanceof Error && 'errno' in error) throw damaged(` part ${entry.name} cannot be inflated`, { part: entry.name });
    throw error;
  } finally {
    stream.destroy();
  }
}

type Decoder = InstanceType<typeof TextDecoder>;

function decoderFor(first: Buffer): Decoder {
  if (first[0] === 0xff && first[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (first[0] === 0xfe && first[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  return new TextDecoder('utf-8', { fatal: true });
}

/** One entry's XML as text pieces (UTF-8, or UTF-16 by its mark), strictly decoded. */
async function* entryText(cursor: ByteCursor, entry: ZipEntry, budget: InflateBudget): AsyncGenerator<string> {
  let decoder: Decoder | undefined;
  try {
    for await (const piece of entryBytes(cursor, entry, budget)) {
      decoder ??= decoderFor(piece);
      const text = decoder.decode(piece, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder?.decode() ?? '';
    if (rest !== '') yield rest;
  } catch (error) {
    if (error instanceof TypeError) throw damaged(` part ${entry.name} is not valid UTF-8 XML`, { part: entry.name });
    throw error;
  }
}

export interface ZipPart {
  entry: ZipEntry;
  /** Must be read to its end (or abandoned with the whole pass) before the next part is asked for. */
  text: AsyncGenerator<string>;
}

/** The named entries' text in one forward pass over the file, in the order they are stored. */
export async function* zipParts(
  source: ByteSource,
  directory: ZipDirectory,
  names: string[],
  budget: InflateBudget,
): AsyncGenerator<ZipPart> {
  const wanted = names
    .map((name) => directory.byName.get(name.toLowerCase()))
    .filter((entry): entry is ZipEntry => entry !== undefined)
    .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const cursor = new ByteCursor(source());
  try {
    for (const entry of wanted) yield { entry, text: entryText(cursor, entry, budget) };
  } finally {
    cursor.close();
  }
}
