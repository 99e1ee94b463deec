import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { startHarness, makeDataset, emulatorRecords, waitForState, setFaults, type Harness } from './harness.js';
import { startWorkerProcess, type WorkerChild } from '../../support/worker-process.js';
import { createMigration, startMigration, getMigration, listBatches, BATCH_LOST } from '../../../src/migrations/index.js';
import { migrationJobId } from '../../../src/queue/jobs/migrations.js';
import { noteStart } from '../../../src/migrations/starts.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };
const ROWS = 2000;
const TOKEN = 'revive-test';

/**
 * Batch jobs BullMQ gives up on (failed for good, as after three stalls) or loses (removed) must not leave their run
 * waiting: the in-process workers here drain only the `migrations` queue (finalize, the watchdog), so batch jobs wait
 * until the test has broken some of them; then a worker process for batches starts.
 */
describe('a run whose batch jobs BullMQ gave up on or lost', () => {
  let h: Harness;
  let taker: Worker;
  let takerConnection: ReturnType<Harness['services']['redis']['duplicate']>;
  let batches: WorkerChild | undefined;
  before(async () => {
    h = await startHarness({ env: { WORKER_QUEUES: 'migrations', MIGRATION_WATCHDOG_MS: '1000', MIGRATION_BATCH_REVIVALS: '1' } });
    takerConnection = h.services.redis.duplicate({ maxRetriesPerRequest: null });
    taker = new Worker('migration-batches', undefined, { connection: takerConnection, prefix: h.services.config.queue.prefix, autorun: false });
  });
  after(async () => {
    batches?.child.kill('SIGTERM');
    await batches?.exited;
    // Forced: jobs this worker took by hand were never run by it, so a graceful close would wait for them forever.
    await taker.close(true);
    takerConnection.disconnect();
    await h.close();
  });

  const tagged = async (tag: string) =>
    (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));

  async function plannedRun(tag: string): Promise<string> {
    const rows = Array.from({ length: ROWS }, (_, i) => [`${tag}-${i}`, `Name ${i}`]);
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rows, 500);
    const options = { apiMode: 'collections', batchSize: 400 };
    const doc = await createMigration(h.services, { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping }, options }, 'test');
    await startMigration(h.services, doc._id, 'test');
    await waitForState(h.services, doc._id, ['running']);
    return doc._id;
  }

  /**
   * Takes the next waiting batch job as a worker would, begins its work (counted as runBatch counts it once it holds
   * its slots) and fails it for good, as BullMQ does after too many stalls.
   */
  async function failNextJob(): Promise<Job> {
    const job = (await taker.getNextJob(TOKEN)) as Job | undefined;
    assert.ok(job, 'a batch job is waiting');
    await noteStart(h.services, job.data.migrationId as string, job.data.batch as number);
    await job.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), TOKEN);
    assert.equal(await job.getState(), 'failed');
    return job;
  }

  async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const jobState = (migrationId: string, n: number) =>
    h.services.producer.queue('migration-batches').getJobState(migrationJobId.batch(migrationId, n));

  test('a failed and a removed batch job are enqueued again and the run completes exactly', async () => {
    const tag = `r${Math.random().toString(36).slice(2, 8)}`;
    const id = await plannedRun(tag);
    const failed = await failNextJob();
    const removedBatch = 3;
    await h.services.producer.queue('migration-batches').remove(migrationJobId.batch(id, removedBatch));
    await waitFor(async () => (await jobState(id, failed.data.batch)) === 'waiting', 'the failed batch is waiting again');
    await waitFor(async () => (await jobState(id, removedBatch)) === 'waiting', 'the removed batch is waiting again');

    await setFaults(h.emulator, { latency: 5 });
    batches = await startWorkerProcess(h.services.config, { WORKER_QUEUES: 'migration-batches' });
    const done = await waitForState(h.services, id, ['completed', 'failed'], 90_000);
    assert.equal(done.state, 'completed', JSON.stringify(done.error));
    assert.equal(done.totals.succeeded, ROWS);
    const mine = await tagged(tag);
    assert.equal(mine.length, ROWS, 'one record per row');
    assert.equal(new Set(mine.map((r) => r.External_Id__c)).size, ROWS, 'no duplicates');
    const docs = await listBatches(h.services, id, done.batchCount);
    assert.equal(docs[failed.data.batch].revivals, 1);
    assert.match(String(docs[failed.data.batch].lost?.reason), /stalled more than allowable limit/);
    assert.equal(docs[removedBatch].revivals, 1);
    assert.match(String(docs[removedBatch].lost?.reason), /missing from the queue/);
  });

  test('a batch lost more often than MIGRATION_BATCH_REVIVALS fails the run with the reason, totals adding up', async () => {
    batches?.child.kill('SIGTERM');
    await batches?.exited;
    batches = undefined;
    const tag = `a${Math.random().toString(36).slice(2, 8)}`;
    const id = await plannedRun(tag);
    const first = await failNextJob();
    const n = first.data.batch as number;
    await waitFor(async () => (await jobState(id, n)) === 'waiting', 'the batch is revived once');
    // The revived job is the newest waiting one: take jobs until it comes, failing it; the others go back untouched.
    for (;;) {
      const job = (await taker.getNextJob(TOKEN)) as Job;
      if (job.data.batch === n) {
        await noteStart(h.services, id, n);
        await job.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), TOKEN);
        break;
      }
      await job.moveToFailed(new Error('handed back'), TOKEN);
    }
    await waitFor(async () => (await listBatches(h.services, id, 5))[n].state === 'done', 'the batch is given up');

    batches = await startWorkerProcess(h.services.config, { WORKER_QUEUES: 'migration-batches' });
    const done = await waitForState(h.services, id, ['completed', 'failed'], 90_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, BATCH_LOST);
    assert.match(String(done.error?.message), new RegExp(`batch ${n} was lost 2 times`));
    assert.equal(done.totals.succeeded + done.totals.failed + done.totals.skipped, ROWS);
    assert.equal(done.totals.failed, 400, 'the lost batch\'s rows are failed, never sent');
    assert.equal((await tagged(tag)).length, ROWS - 400);
    assert.equal((await getMigration(h.services, id)).history.at(-1)?.reason, done.error?.message);
  });
});
