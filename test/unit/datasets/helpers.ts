import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import { readDataset, type ReaderOptionsInput, type RowBatch } from '../../../src/datasets/readers/index.js';
import { isAppError } from '../../../src/errors.js';

/** A source over bytes, cut into chunks of `chunkSize` to exercise chunk boundaries. */
export function bytesSource(data: Buffer | string, chunkSize = 64 * 1024): () => Readable {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  return () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < buffer.length; i += chunkSize) chunks.push(buffer.subarray(i, i + chunkSize));
    return Readable.from(chunks);
  };
}

export async function readAllBatches(data: Buffer | string, options: ReaderOptionsInput = {}, chunkSize?: number): Promise<{ batches: RowBatch[]; columns: string[]; rows: RowBatch['rows']; issues: RowBatch['issues'] }> {
  const batches: RowBatch[] = [];
  for await (const batch of readDataset(bytesSource(data, chunkSize), options)) batches.push(batch);
  return {
    batches,
    columns: batches[0]?.columns ?? [],
    rows: batches.flatMap((batch) => batch.rows),
    issues: batches.flatMap((batch) => batch.issues),
  };
}

/** Asserts the read fails with an AppError 422 of `code` whose message matches `message`. */
export async function assertRejects(data: Buffer | string, options: ReaderOptionsInput, code: string, message: RegExp, chunkSize?: number): Promise<void> {
  await assert.rejects(readAllBatches(data, options, chunkSize), (error: unknown) => {
    assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, 422);
    assert.match(error.message, message);
    return true;
  });
}

/** A minimal zip writer (stored or deflated entries), for hand-made workbooks and zip bombs. */
export function makeZip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const compressed = deflateRawSync(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const fields = (signature: number, length: number) => {
      const header = Buffer.alloc(length);
      header.writeUInt32LE(signature, 0);
      return header;
    };
    const local = fields(0x04034b50, 30);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(entry.data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = fields(0x02014b50, 46);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(entry.data), 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
