import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findDataset } from '../../../src/datasets/index.js';
import { createExport } from '../../../src/exports/index.js';
import { killHard, startWorkerProcess, withWorkerProcess } from '../../support/worker-process.js';
import { allRows, seed, settled, startExportHarness, type ExportHarness } from './support.js';

const ROWS = 40_000;

/** kill -9 of the process running an export, then another one: the dataset ends with every record exactly once. */
describe('an export whose worker is killed with SIGKILL mid-way', () => {
  let h: ExportHarness;
  let ids: string[];
  before(async () => {
    // Small pages and some latency: the export is still reading pages when the kill comes.
    h = await startExportHarness({ bulkQueryPageSize: 2000 }, false);
    ids = await seed(h.conn, 'Account', ['Name'], Array.from({ length: ROWS }, (_, i) => [`Killed ${i}`]));
  });
  after(async () => h.close());

  it('is taken over, reads the same Bulk job again and stores every record once', async () => {
    const env = { WORKER_LOCK_MS: '3000', WORKER_QUEUES: 'datasets' };
    const first = await startWorkerProcess(h.services.config, env);
    await fetch(`${h.emulator.url}/__emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency: 40 }),
    });
    const doc = await createExport(h.services, { object: 'Account', fields: ['Id', 'Name'], api: 'bulk' }, 'test');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = await findDataset(h.services.store, doc._id);
      if ((now?.progress?.rowsRead ?? 0) > 0 && now?.source?.bulkJobId) break;
      assert.ok(Date.now() < deadline, 'no progress before the kill');
      await new Promise((r) => setTimeout(r, 50));
    }
    await killHard(first);
    const jobBefore = (await findDataset(h.services.store, doc._id))?.source?.bulkJobId;
    await fetch(`${h.emulator.url}/__emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency: 0 }),
    });
    await withWorkerProcess(h.services.config, env, async () => {
      const done = await settled(h, doc._id, 120_000);
      assert.equal(done.status, 'ready', JSON.stringify(done.error));
      assert.equal(done.source?.bulkJobId, jobBefore, 'the Bulk job made before the kill is read again');
      assert.equal(done.rowCount, ROWS);
      const exported = (await allRows(h, doc._id)).map((r) => r[0]);
      assert.equal(new Set(exported).size, ROWS);
      assert.deepEqual(new Set(exported), new Set(ids));
    });
  });
});
