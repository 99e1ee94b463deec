import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, makeDataset, emulatorRecords, waitForState, setFaults, type Harness } from './harness.js';
import { killHard, startWorkerProcess, withWorkerProcess } from '../../support/worker-process.js';
import { createMigration, startMigration, migrationStatus } from '../../../src/migrations/index.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };

/** kill -9 of a worker process mid-run, then another worker: nothing lost, nothing doubled. */
describe('a worker killed with SIGKILL mid-run', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ workers: false, env: { WORKER_LOCK_MS: '3000' } }); });
  after(async () => { await h.close(); });

  for (const [label, rows, options] of [
    ['Bulk', 12_000, { apiMode: 'bulk', batchSize: 1500 }],
    ['Collections', 3000, { apiMode: 'collections', batchSize: 600 }],
  ] as const) {
    test(`${label}: exactly one record per dataset row and totals that add up`, async () => {
      const tag = `k${Math.random().toString(36).slice(2, 8)}`;
      const datasetId = await makeDataset(h.services, ['ext', 'name'], Array.from({ length: rows }, (_, i) => [`${tag}-${i}`, `Name ${i}`]), 1000);
      await setFaults(h.emulator, { latency: 15 });
      const first = await startWorkerProcess(h.services.config, { WORKER_LOCK_MS: '3000' });
      const doc = await createMigration(h.services, { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping }, options }, 'test');
      await startMigration(h.services, doc._id, 'test');
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = await migrationStatus(h.services, doc._id);
        if (status.processed > rows / 5) break;
        assert.ok(Date.now() < deadline, 'no progress before the kill');
        await new Promise((r) => setTimeout(r, 50));
      }
      await killHard(first);
      await withWorkerProcess(h.services.config, { WORKER_LOCK_MS: '3000' }, async () => {
        const done = await waitForState(h.services, doc._id, ['completed', 'failed'], 120_000);
        await setFaults(h.emulator, { latency: 0 });
        const mine = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
        const distinct = new Set(mine.map((r) => r.External_Id__c));
        assert.equal(mine.length, rows, 'one record per row');
        assert.equal(distinct.size, rows);
        assert.equal(done.state, 'completed', JSON.stringify(done.error));
        assert.equal(done.totals.succeeded + done.totals.failed + done.totals.skipped, rows);
        assert.equal(done.totals.succeeded, rows);
      });
    });
  }
});
