import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobWriter, deleteBlob, followBlob, openBlob, readManifest, type BlobManifest } from '../../../src/blobs/index.js';
import { insertDataset, newDatasetId } from '../../../src/datasets/dataset-store.js';
import { getDataset, parseDataset, updateDataset } from '../../../src/datasets/index.js';
import { connectTestServices } from '../../support/services.js';

const collect = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
};

/** Writes `data` in `pieces` with a pause between them, like a slow upload. */
async function slowWrite(writer: BlobWriter, data: Buffer, pieces: number, pauseMs: number, end = true): Promise<void> {
  const size = Math.ceil(data.length / pieces);
  for (let at = 0; at < data.length; at += size) {
    if (!writer.write(data.subarray(at, at + size))) await new Promise((resolve) => writer.once('drain', resolve));
    await sleep(pauseMs);
  }
  if (end) await new Promise<void>((resolve, reject) => writer.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

describe('following a blob while it is written, and parsing it meanwhile', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  test('a follower reads every byte while the parts arrive, then reports the complete manifest', async () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => `row ${i},value ${i % 7}\n`).join(''));
    const writer = new BlobWriter(services.store, 'follow-a', 'text/csv', 8000);
    const writing = slowWrite(writer, data, 10, 60);
    // The follower starts once the upload has begun (the web enqueues the parse after the manifest exists).
    while (!(await readManifest(services.store, 'follow-a'))) await sleep(20);
    let complete: BlobManifest | undefined;
    const back = await collect(followBlob(services.store, 'follow-a', { onComplete: (m) => (complete = m) }));
    await writing;
    assert.ok(back.equals(data));
    assert.equal(complete?.sha256, createHash('sha256').update(data).digest('hex'));
    assert.equal(complete?.encoding, 'br', 'text is stored compressed');
    assert.ok((await collect(openBlob(services.store, 'follow-a'))).equals(data));
  });

  test('incompressible bytes are stored as they are', async () => {
    const data = randomBytes(5000);
    await slowWrite(new BlobWriter(services.store, 'follow-raw', undefined, 2000), data, 1, 0);
    assert.equal((await readManifest(services.store, 'follow-raw'))?.encoding, 'identity');
    assert.ok((await collect(followBlob(services.store, 'follow-raw'))).equals(data));
  });

  test('a follower fails with BLOB_MISSING when the blob is deleted (upload cut off), UPLOAD_STALLED when it stops growing', async () => {
    const cut = new BlobWriter(services.store, 'follow-cut', undefined, 1000);
    cut.write(randomBytes(2500));
    await sleep(200);
    const reading = collect(followBlob(services.store, 'follow-cut'));
    await sleep(100);
    cut.destroy();
    await cut.settled();
    await deleteBlob(services.store, 'follow-cut');
    await assert.rejects(reading, { code: 'BLOB_MISSING' });

    const stalled = new BlobWriter(services.store, 'follow-stalled', undefined, 1000);
    stalled.write(randomBytes(1500));
    await sleep(200);
    await assert.rejects(collect(followBlob(services.store, 'follow-stalled', { stallMs: 300 })), { code: 'UPLOAD_STALLED' });
    stalled.destroy();
    await stalled.settled();
  });

  const uploadingDataset = async (blobId: string) => {
    const id = newDatasetId();
    const now = new Date().toISOString();
    await insertDataset(services.store, {
      _id: id, kind: 'dataset', name: 'follow.csv', fileName: 'follow.csv', sizeBytes: 0, blobId, uploadedBy: 'test', createdAt: now, updatedAt: now,
      status: 'uploading', format: 'csv', parseOptions: {}, columns: [], headerRenames: [], rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
    });
    return id;
  };

  test('a parse started on the first part ends ready with every row, size and checksum', async () => {
    const data = Buffer.from(`n,label\n${Array.from({ length: 12_000 }, (_, i) => `${i + 1},item ${i + 1}`).join('\n')}\n`);
    const id = await uploadingDataset('raw-follow-parse');
    const writer = new BlobWriter(services.store, 'raw-follow-parse', undefined, 20_000);
    const writing = slowWrite(writer, data, 12, 40);
    await sleep(150);
    const outcome = await parseDataset(services, id, 0, true);
    await writing;
    assert.deepEqual(outcome, { outcome: 'ready', rowCount: 12_000, chunkCount: 3 });
    const doc = await getDataset(services.store, id);
    assert.equal(doc.sizeBytes, data.length);
    assert.equal(doc.sha256, createHash('sha256').update(data).digest('hex'));
  });

  test('an upload cut off under a following parse stays failed as cut off, with no chunk left', async () => {
    const id = await uploadingDataset('raw-follow-cut');
    const writer = new BlobWriter(services.store, 'raw-follow-cut', undefined, 20_000);
    void slowWrite(writer, Buffer.from(`n\n${'1\n'.repeat(30_000)}`), 30, 50, false).catch(() => undefined);
    await sleep(200);
    const parsing = parseDataset(services, id, 0, true);
    await sleep(300);
    writer.destroy();
    await writer.settled();
    // As the web does when the client goes away: failed first, then the partial file deleted.
    await updateDataset(services.store, id, (doc) => ({ ...doc, status: 'failed', error: { code: 'UPLOAD_INCOMPLETE', message: 'cut off' } }));
    await deleteBlob(services.store, 'raw-follow-cut');
    const outcome = await parsing;
    assert.notEqual(outcome.outcome, 'ready');
    const doc = await getDataset(services.store, id);
    assert.equal(doc.status, 'failed');
    assert.equal(doc.error?.code, 'UPLOAD_INCOMPLETE');
    const chunks = await services.store.db('datasets').find({ selector: { datasetId: { $eq: id }, index: { $gte: 0 } }, limit: 10, use_index: 'by-dataset-chunk' });
    assert.equal(chunks.docs.length, 0);
  });
});
