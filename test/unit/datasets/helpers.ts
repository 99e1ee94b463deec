import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
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

export { makeZip } from '../../support/zip.js';
