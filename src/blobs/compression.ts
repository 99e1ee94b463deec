import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync, constants, gunzip, gunzipSync } from 'node:zlib';

/**
 * How DMS compresses what it keeps in the store (blob parts, dataset chunks, a batch's outcomes): Brotli at quality 2.
 * Measured on the 102 MB Account CSV of bench/e2e in 2 MB parts: about gzip level 1's CPU (0.34-0.37 against
 * 0.33-0.34 CPU-s) for less than half its bytes (8.9 against 20.3 MB), inflated a little faster; the embedded
 * CouchDB-compatible server, which pays per byte stored, spent 1.5 instead of 2.4 CPU-s on a 1M-row upload. Random
 * bytes and CJK text keep their size either way. Data stored before is gzip and reads as it always did.
 */
export type StoredEncoding = 'gzip' | 'br';

export const COMPRESSED_CONTENT_TYPE = 'application/x-brotli';

const QUALITY = 2;
/**
 * A 256 KB window, not Brotli's default 4 MB: the same size of output here (8.8 against 8.9 MB for the 102 MB CSV), and
 * in the parser, which compresses its chunks while it inflates the upload's parts, the thread pool's CPU over a 1M-row
 * upload fell from 1.86-2.06 to 0.90-1.11 s (gzip level 1: 0.92-1.02; 3 alternating rounds each).
 */
const WINDOW_BITS = 18;
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);
const gunzipAsync = promisify(gunzip);

const brotliOptions = (data: Buffer, outputChunkBytes: number) => ({
  chunkSize: outputChunkBytes,
  params: {
    [constants.BROTLI_PARAM_QUALITY]: QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    [constants.BROTLI_PARAM_LGWIN]: WINDOW_BITS,
  },
});

/**
 * `data` compressed off the main thread. `outputChunkBytes`: the output buffer, by default a quarter of the input
 * (text shrinks 5-10x, so one buffer mostly holds the whole result and a call makes one round trip).
 */
export const compressStored = (data: Buffer, outputChunkBytes = Math.max(16 * 1024, data.length >> 2)): Promise<Buffer> =>
  brotliAsync(data, brotliOptions(data, outputChunkBytes));

/** compressStored on the calling thread, for small bodies written where a caller waits (a batch's outcomes). */
export const compressStoredSync = (data: Buffer): Buffer => brotliCompressSync(data, brotliOptions(data, Math.max(16 * 1024, data.length >> 2)));

/**
 * Which compression stored bytes are in, when nothing else says: gzip starts with 1f 8b. A Brotli stream's first
 * byte begins with its window size's code, which is 1111 only for a 16 MB window (never used here: 0011 for
 * WINDOW_BITS 18, 1011 for the 4 MB default of older builds), so it is never 0x1f.
 */
export const storedEncoding = (data: Buffer): StoredEncoding => (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b ? 'gzip' : 'br');

/** An output buffer for `outputBytes` of inflated data: a little larger, since zlib asks for another when one is filled exactly. */
const outputBuffer = (outputBytes: number): number => outputBytes + 1024;

/** `outputBytes`: about what the data inflates to (at most that: one round trip). */
export function inflateStored(data: Buffer, encoding: StoredEncoding, outputBytes: number): Promise<Buffer> {
  const chunkSize = outputBuffer(outputBytes);
  return encoding === 'gzip' ? gunzipAsync(data, { chunkSize }) : unbrotliAsync(data, { chunkSize });
}

/** inflateStored on the calling thread, for bytes that say their own encoding (a chunk, read where a caller waits for it). */
export function inflateStoredSync(data: Buffer, outputBytes = Math.max(64 * 1024, data.length * 4)): Buffer {
  const chunkSize = outputBuffer(outputBytes);
  return storedEncoding(data) === 'gzip' ? gunzipSync(data, { chunkSize }) : brotliDecompressSync(data, { chunkSize });
}

/** A value as stored JSON, compressed (a batch's outcomes, before-images, prepared rows, an Id map). */
export const packJson = (value: unknown): Buffer => compressStoredSync(Buffer.from(JSON.stringify(value)));

/** The value packJson stored (or gzip JSON stored before 2026-12-07). */
export const unpackJson = <T>(data: Buffer): T => JSON.parse(inflateStoredSync(data).toString('utf8')) as T;
