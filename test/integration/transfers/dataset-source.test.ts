import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chunkId } from '../../../src/datasets/index.js';
import { DatasetSource } from '../../../src/transfers/sources/dataset.js';
import { connectTestServices } from '../../support/services.js';
import { makeDataset } from '../migrations/harness.js';

describe('a dataset as a transfer source', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  test('a transfer resumed at row 1,201 reads from the chunk holding that row, never the chunks of the rows moved already', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`C-${i + 1}`, `名前 ${i + 1} "x"`]);
    const datasetId = await makeDataset(services, ['code', 'name'], rows, 100);
    // Rows 1-1,200 are in chunks 0-11: gone here, so reading any of them would fail with CHUNK_MISSING.
    const db = services.store.db<{ _id: string; _rev: string }>('datasets');
    for (let index = 0; index < 12; index++) {
      const doc = await db.get(chunkId(datasetId, index));
      await db.destroy(doc._id, doc._rev);
    }
    const source = await DatasetSource.open(services.store, datasetId, '1200');
    const moved: string[] = [];
    for (;;) {
      const batch = await source.read(333);
      if (batch.entries.length === 0) break;
      for (const entry of batch.entries) {
        assert.deepEqual(entry.record, { code: `C-${entry.key}`, name: `名前 ${entry.key} "x"` });
        moved.push(entry.key);
      }
      await source.ack(batch);
    }
    assert.deepEqual(moved, Array.from({ length: 800 }, (_, i) => String(1201 + i)));
    assert.equal(await source.lag(), 0);
    // From the start, the missing chunks are what it must read, and it says so.
    const fresh = await DatasetSource.open(services.store, datasetId, undefined);
    await assert.rejects(fresh.read(10), (error: Error & { code?: string }) => error.code === 'CHUNK_MISSING');
  });
});
