import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerProcess } from '../../support/worker-process.js';
import { makeDataset } from '../migrations/harness.js';
import { allRows, settled } from '../exports/support.js';
import { ended, startTransferHarness, waitForTransfer, type TransferHarness } from './support.js';

const RECORDS = 60_000;

/**
 * kill -9 of the worker filling a dataset from another, then another worker: the source's position (saved once a
 * second) is behind the rows written, so rows are read again; with key fields each is in the dataset once.
 */
describe('a transfer into a dataset whose worker is killed with SIGKILL mid-way', () => {
  let h: TransferHarness;
  let sourceId: string;
  before(async () => {
    h = await startTransferHarness({}, false);
    const rows = Array.from({ length: RECORDS }, (_, i) => [`KD-${i}`, `Killed dataset row ${i}`]);
    sourceId = await makeDataset(h.services, ['code', 'name'], rows);
  });
  after(async () => {
    await h.close();
  });

  it('is taken over by another worker; rows read again are not added again: every key once, as many rows as the source', async () => {
    const env = { WORKER_LOCK_MS: '3000', WORKER_QUEUES: 'transfers' };
    const first = await startWorkerProcess(h.services.config, env);
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'dataset', datasetId: sourceId }, target: { kind: 'dataset', keyFields: ['code'] }, batchSize: 200,
    }).expect(202);
    const id = started.body.id as string;
    const datasetId = started.body.target.datasetId as string;
    const moving = await waitForTransfer(h, id, (t) => t.counts.recordsOut > 0 || ended(t));
    assert.equal(moving.status, 'running', 'still moving when the kill comes');
    // Between two saves of the position: what was written since is read again by the next run.
    await sleep(600);
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null);
    const written = (await h.get(`/api/v1/datasets/${datasetId}`).expect(200)).body.rowCount as number;
    const saved = (await h.get(`/api/v1/transfers/${id}`).expect(200)).body.position as string;
    assert.ok(written > Number(saved) && written < RECORDS, `killed mid-way, ahead of the saved position (${saved} saved, ${written} written)`);
    const second = await startWorkerProcess(h.services.config, env);
    try {
      const done = await waitForTransfer(h, id, ended, 180_000);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      const dataset = await settled(h, datasetId);
      assert.deepEqual([dataset.status, dataset.rowCount], ['ready', RECORDS]);
      const codes = (await allRows(h, datasetId)).map((row) => row[0]);
      assert.equal(codes.length, RECORDS, 'no row doubled');
      assert.equal(new Set(codes).size, RECORDS, 'no row lost');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
