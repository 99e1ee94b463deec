import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, makeDataset, runMigration, emulatorRecords, type Harness } from './harness.js';
import { listBatches, readOutcomes } from '../../../src/migrations/index.js';

describe('migrations through sObject Collections', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  test('insert: every row written once, invalid rows failed and never sent, totals add up', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => [i === 7 ? '' : `Acme ${i}`, `City ${i % 5}`]);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows, 100);
    const done = await runMigration(h.services, {
      datasetId, object: 'Account', operation: 'insert',
      template: { mapping: { object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }] }, pipeline: [] },
    });
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(done.apiMode, 'collections');
    assert.deepEqual({ s: done.totals.succeeded, f: done.totals.failed, k: done.totals.skipped }, { s: 449, f: 1, k: 0 });
    const records = await emulatorRecords(h.emulator, 'Account');
    assert.equal(records.length, 449);
    const batches = await listBatches(h.services, done._id, done.batchCount);
    const outcomes = await readOutcomes(h.services, batches[0]);
    assert.equal(outcomes.get(8)?.code, 'REQUIRED_FIELD_MISSING');
    assert.match(String(outcomes.get(1)?.id), /^001/);
  });
});
