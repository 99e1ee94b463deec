import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { startWebProcess, startWorkerProcess, type WorkerChild } from '../../support/worker-process.js';
import { signIn } from '../../support/sign-in.js';

type Services = Awaited<ReturnType<typeof connectTestServices>>;

describe('web and a separately started worker process, through real Redis', () => {
  let services: Services;
  const children: WorkerChild[] = [];

  before(async () => {
    services = await connectTestServices();
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await services.cleanup();
  });

  test('a job enqueued by the web app is processed by the worker process', async () => {
    const worker = await startWorkerProcess(services.config);
    children.push(worker);
    const operator = await signIn(services, 'operator');
    const res = await request(createApp(services)).post('/api/v1/diagnostics/ping').set('Authorization', operator.basic).send({}).expect(200);
    assert.equal(res.body.answer.pid, worker.child.pid);
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0);
  });

  test('WORKER_QUEUES splits the queues between processes; the dashboard counts each process once', async () => {
    const parser = await startWorkerProcess(services.config, { WORKER_QUEUES: 'datasets' });
    const worker = await startWorkerProcess(services.config, { WORKER_QUEUES: 'migrations,migration-batches,validations,diagnostics' });
    children.push(parser, worker);
    const viewer = await signIn(services, 'viewer');
    const snapshot = await request(createApp(services)).get('/api/v1/dashboard').set('Authorization', viewer.basic).expect(200);
    const workersOf = (name: string) => snapshot.body.queues.find((q: { name: string }) => q.name === name).workers;
    assert.deepEqual(
      ['datasets', 'migrations', 'migration-batches', 'validations', 'diagnostics'].map(workersOf),
      [1, 1, 1, 1, 1],
    );
    assert.equal(snapshot.body.workers, 2, 'two processes, whatever the number of queues each drains');
    const operator = await signIn(services, 'operator');
    const ping = await request(createApp(services)).post('/api/v1/diagnostics/ping').set('Authorization', operator.basic).send({}).expect(200);
    assert.equal(ping.body.answer.pid, worker.child.pid, 'only the process that drains diagnostics answers');
    for (const child of [parser, worker]) child.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([parser.exited, worker.exited]), [0, 0]);
  });

  test('SIGTERM during a running job lets it finish before the worker exits', async () => {
    const worker = await startWorkerProcess(services.config, { SHUTDOWN_TIMEOUT_MS: '6000' });
    children.push(worker);
    const job = await services.producer.enqueue('diagnostics.ping', { requestedAt: new Date().toISOString(), requestedBy: 'test', holdMs: 1500 });
    await waitForState(job.id!, 'active');
    worker.child.kill('SIGTERM');
    const answer = (await services.producer.waitFor(job, 10_000)) as { pid: number };
    assert.equal(answer.pid, worker.child.pid, 'the job finished in the worker that was stopping');
    assert.equal(await worker.exited, 0);
  });

  test('a job still running at the shutdown timeout is released and finished by another worker', async () => {
    const lock = { WORKER_LOCK_MS: '2000', SHUTDOWN_TIMEOUT_MS: '300' };
    const first = await startWorkerProcess(services.config, lock);
    children.push(first);
    const job = await services.producer.enqueue('diagnostics.ping', { requestedAt: new Date().toISOString(), requestedBy: 'test', holdMs: 4000 });
    await waitForState(job.id!, 'active');
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startWorkerProcess(services.config, lock);
    children.push(second);
    const answer = (await services.producer.waitFor(job, 20_000)) as { pid: number };
    assert.equal(answer.pid, second.child.pid, 'the second worker picked the released job up');
    const finished = await services.producer.queue('diagnostics').getJob(job.id!);
    assert.equal(await finished?.getState(), 'completed');
    second.child.kill('SIGTERM');
    await second.exited;
  });

  test('web process alone + worker process alone; SIGTERM on web lets an in-flight request finish', async () => {
    const worker = await startWorkerProcess(services.config);
    children.push(worker);
    const web = await startWebProcess(services.config, { SHUTDOWN_TIMEOUT_MS: '5000' });
    children.push(web);
    const operator = await signIn(services, 'operator');
    const inFlight = fetch(`${web.url}/api/v1/diagnostics/ping`, {
      method: 'POST',
      headers: { authorization: operator.basic, 'content-type': 'application/json' },
      body: JSON.stringify({ holdMs: 1500 }),
    });
    await new Promise((r) => setTimeout(r, 400));
    web.child.kill('SIGTERM');
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { answer: { pid: number } }).answer.pid, worker.child.pid);
    assert.equal(await web.exited, 0);
    await assert.rejects(fetch(`${web.url}/readyz`), 'the stopped web process no longer listens');
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0);
  });

  async function waitForState(jobId: string, state: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const job = await services.producer.queue('diagnostics').getJob(jobId);
      if ((await job?.getState()) === state) return;
      if (Date.now() > deadline) throw new Error(`job ${jobId} never became ${state}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
});
