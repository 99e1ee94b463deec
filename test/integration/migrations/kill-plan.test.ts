import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, makeDataset, emulatorRecords, waitForState, setFaults, type Harness } from './harness.js';
import { KILL_SERIES_WORKER_ENV } from '../../support/kill-series.js';
import { workerNameOf } from '../../support/retakes.js';
import { startWorkerProcess, type WorkerChild } from '../../support/worker-process.js';
import { createMigration, getMigration, startMigration } from '../../../src/migrations/index.js';
import { readPlanCheckpoint } from '../../../src/migrations/plan-checkpoint.js';
import { migrationJobId } from '../../../src/queue/jobs/migrations.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };
const ROWS = 6000;
/** Every Salesforce call (the login, `/limits`) takes this long: planning lasts seconds, so kills land in it. */
const PLANNING_LATENCY_MS = 1500;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function kill(worker: WorkerChild): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

/**
 * The plan job's worker dies mid-plan, twice: the first time after the batch documents were stored, the second while
 * the next worker reads the org's budget. Each worker taken the job again goes on from the plan state stored
 * (nothing planned or stored twice) and the run completes exactly.
 */
describe('a plan job whose worker is killed mid-plan', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ workers: false }); });
  after(async () => { await h.close(); });

  test('resumes from its stored plan state, twice, and the run completes exactly', async () => {
    const tag = `kp${Math.random().toString(36).slice(2, 8)}`;
    const datasetId = await makeDataset(h.services, ['ext', 'name'], Array.from({ length: ROWS }, (_, i) => [`${tag}-${i}`, `Name ${i}`]), 1000);
    const request = { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping }, options: { apiMode: 'bulk', batchSize: 1500 } };
    const doc = await createMigration(h.services, request, 'test');
    const planJob = migrationJobId.plan(doc._id, 0);
    const checkpoint = async () => readPlanCheckpoint(h.services, await getMigration(h.services, doc._id));
    await setFaults(h.emulator, { latency: PLANNING_LATENCY_MS });
    const workers: WorkerChild[] = [];
    const holds = async (w: WorkerChild) => {
      const job = await h.services.producer.queue('migrations').getJob(planJob);
      return (await job?.getState()) === 'active' && job?.processedBy === workerNameOf(w.child.pid!);
    };
    try {
      await startMigration(h.services, doc._id, 'test');
      workers.push(await startWorkerProcess(h.services.config, KILL_SERIES_WORKER_ENV));
      // First life: killed once the batches are stored, before the budget was read.
      await until('the first worker stored the batches', async () => {
        const plan = await checkpoint();
        return plan !== undefined && plan.start === undefined && (await holds(workers[0]));
      });
      await kill(workers[0]);
      // Second life: takes the job back, resumes from the checkpoint and is killed while it reads the budget.
      workers.push(await startWorkerProcess(h.services.config, KILL_SERIES_WORKER_ENV));
      await until('the second worker resumed the plan', () => workers[1].output().includes('plan resumes from its checkpoint'));
      assert.equal((await getMigration(h.services, doc._id)).state, 'queued', 'the second worker was killed mid-plan');
      await kill(workers[1]);
      // Third life: resumes again and lives; the run's calls go at a normal pace once it is planned.
      workers.push(await startWorkerProcess(h.services.config, KILL_SERIES_WORKER_ENV));
      await waitForState(h.services, doc._id, ['running', 'completed', 'failed'], 90_000);
      await setFaults(h.emulator, { latency: 5 });
      const done = await waitForState(h.services, doc._id, ['completed', 'failed', 'cancelled'], 120_000);

      assert.equal(done.state, 'completed', JSON.stringify(done.error));
      assert.equal(done.batchCount, ROWS / 1500);
      assert.equal(done.totals.succeeded, ROWS);
      const mine = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
      assert.equal(mine.length, ROWS, 'one record per row');
      assert.equal(new Set(mine.map((r) => r.External_Id__c)).size, ROWS, 'no duplicates');
      const outputs = workers.map((w) => w.output());
      assert.ok(outputs[2].includes('plan resumes from its checkpoint'), 'the third worker resumed the plan too');
      assert.equal(outputs.join('').split('"msg":"migration planned"').length - 1, 1, 'planned to the end once');
    } finally {
      await setFaults(h.emulator, { latency: 0 });
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) await kill(w);
    }
  });
});
