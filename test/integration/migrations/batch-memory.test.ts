import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMigration, startMigration } from '../../../src/migrations/create.js';
import { storeBatches } from '../../../src/migrations/plan.js';
import { listBatches } from '../../../src/migrations/store.js';
import { startHarness, makeDataset, accountMapping, waitForState, type Harness } from './harness.js';

/** A worker process's batches hold at most 32 MB of row text together (docs/migrations.md, BatchMemory). */
describe('the row text a worker process holds at once', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  test('batches planned at 20 MB each run one after another, every row written; of ordinary size they overlap', async () => {
    const rows = [['Huge 1', 'Town'], ['Huge 2', 'Town'], ['Huge 3', 'Town']];
    const runs = [];
    for (const bytes of [20 * 1024 * 1024, 100]) {
      const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
      const migration = await createMigration(h.services, {
        connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping() },
        options: { apiMode: 'bulk', batchSize: 1 },
      }, 'test');
      // The batches as planning stores them, with the row text they are said to hold (planning again keeps them).
      await storeBatches(h.services, migration._id, rows.map((_, i) => ({ batch: i, fromRow: i + 1, toRow: i + 1, chunks: [0], bytes })), 'bulk');
      await startMigration(h.services, migration._id, 'test');
      const done = await waitForState(h.services, migration._id, ['completed', 'failed', 'cancelled'], 60_000);
      assert.equal(done.state, 'completed');
      assert.equal(done.totals.succeeded, 3);
      const batches = await listBatches(h.services, migration._id, 3);
      assert.deepEqual(batches.map((b) => b.bytes), [bytes, bytes, bytes]);
      runs.push(batches.map((b) => [Date.parse(b.startedAt as string), Date.parse(b.finishedAt as string)]).sort((a, b) => a[0] - b[0]));
    }
    const [huge, ordinary] = runs;
    for (let i = 1; i < huge.length; i++) assert.ok(huge[i][0] >= huge[i - 1][1], `batch ${i} of 20 MB began before the one before it ended`);
    assert.ok(ordinary.some((b, i) => i > 0 && b[0] < ordinary[i - 1][1]), 'batches of 100 bytes ran at the same time');
  });
});
