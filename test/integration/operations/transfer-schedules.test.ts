import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { Redis } from 'ioredis';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { assertMatchesContract } from '../../support/contract.js';
import { missTwoRuns, scheduleRunsSettled } from './schedule-runs.js';
import {
  REDIS_URL, fillStream, newRedis, readStream, startTransferHarness, streamNames, waitForTransfer, type TransferHarness,
} from '../transfers/support.js';

interface Run { id: string; name: string; mode: string; status: string; createdBy: string; createdAt: string; counts: { recordsOut: number } }

describe('schedules of transfers', () => {
  let h: TransferHarness;
  let workers: RunningWorkers | undefined;
  let redis: Redis;
  const names = streamNames();
  const stream = names.name;

  before(async () => {
    h = await startTransferHarness({}, false);
    redis = newRedis();
  });
  after(async () => {
    await names.drop(redis);
    redis.disconnect();
    await workers?.close(5000);
    await h.close();
  });

  const call = async (method: 'get' | 'post' | 'delete', url: string, body?: object) => {
    const res = await request(h.app)[method](url).set(h.user.headers).send(body);
    assertMatchesContract(method, url, res.status, res.body, String(res.headers['content-type'] ?? ''));
    return res;
  };
  const runsOf = async (name: string): Promise<Run[]> =>
    ((await h.get('/api/v1/transfers').expect(200)).body.transfers as Run[]).filter((t) => t.createdBy === `schedule:${name}`);
  /** A saved transfer (a schedule's definition): a stream into a stream. */
  const definition = async (name: string, source: string, target: string): Promise<string> => {
    const body = { name, source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'redis-stream', stream: target } };
    return (await call('post', '/api/v1/transfers', body)).body.id as string;
  };

  test('a run missed while DMS was down starts once when the workers come back, not once per missed time', async () => {
    const saved = await definition('missed definition', stream('missed-in'), stream('missed-out'));
    await call('post', `/api/v1/transfers/${saved}/stop`);
    const job = { kind: 'transfer', transferId: saved };
    const created = await call('post', '/api/v1/schedules', { name: 'missed transfer', cron: '*/4 * * * * *', timezone: 'UTC', job });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // No worker for two run times; it comes back just after a run time, so the next one is ~3.8 s away.
    const back = await missTwoRuns(4000);
    workers = startWorkers(h.services);
    let runs: Run[] = [];
    for (let i = 0; i < 40 && runs.length === 0; i++) {
      await sleep(100);
      runs = await runsOf('missed transfer');
    }
    const nextTick = Math.ceil(back / 4000) * 4000;
    await sleep(Math.max(0, nextTick - Date.now() - 100));
    runs = await runsOf('missed transfer');
    const early = runs.filter((r) => Date.parse(r.createdAt) < nextTick);
    assert.equal(early.length, 1, `runs before the next cron time: ${runs.map((r) => Date.parse(r.createdAt) - back)}`);
    await call('post', `/api/v1/schedules/${created.body.id}/pause`);
  });

  test('each run is a new one-shot transfer of the saved one, named with its time; paused, nothing more runs', async () => {
    const source = stream('scheduled-in');
    const target = stream('scheduled-out');
    await fillStream(redis, source, Array.from({ length: 10 }, (_, i) => ({ n: `first-${i}` })));
    const saved = await definition('orders feed', source, target);
    await waitForTransfer(h, saved, (t) => t.status === 'completed');

    const job = { kind: 'transfer', transferId: saved };
    const created = await call('post', '/api/v1/schedules', { name: 'Hourly orders', cron: '*/2 * * * * *', timezone: 'Asia/Shanghai', job });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.job, job);
    await fillStream(redis, source, Array.from({ length: 5 }, (_, i) => ({ n: `later-${i}` })));
    let runs: Run[] = [];
    for (let i = 0; i < 300 && (runs.filter((r) => r.status === 'completed').length < 2 || (await redis.xlen(target)) < 15); i++) {
      await sleep(100);
      runs = await runsOf('Hourly orders');
    }
    await call('post', `/api/v1/schedules/${created.body.id}/pause`);
    const done = runs.filter((r) => r.status === 'completed');
    assert.ok(done.length >= 2, `runs: ${JSON.stringify(runs.map((r) => r.status))}`);
    for (const run of done) {
      assert.match(run.name, /^Hourly orders \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const named = Date.parse(`${run.name.slice('Hourly orders '.length).replace(' ', 'T')}+08:00`);
      assert.ok(Math.abs(named - Date.now()) < 60_000, run.name);
      assert.equal(run.mode, 'once');
    }
    assert.equal(runs.reduce((sum, r) => sum + r.counts.recordsOut, 0), 5, 'the runs moved the later records, once');
    const written = (await readStream(redis, target)).map((r) => r.n);
    assert.equal(written.length, 15);
    assert.equal(new Set(written).size, 15, 'nothing doubled');

    const listed = (await call('get', `/api/v1/schedules/${created.body.id}`)).body;
    assert.ok(runs.some((r) => r.id === listed.lastRun.transferId), 'the last run names its transfer');
    const page = (await h.get('/schedules').expect(200)).text;
    const row = new RegExp(`data-schedule="${created.body.id}"[\\s\\S]*?transfer · <a href="/transfers/${saved}">orders feed</a> \\(redis-stream → redis-stream\\)`);
    assert.match(page, row);
    assert.match(page, new RegExp(`href="/transfers/${listed.lastRun.transferId}"`));

    await scheduleRunsSettled(h.services);
    const paused = (await runsOf('Hourly orders')).length;
    await sleep(2500);
    assert.equal((await runsOf('Hourly orders')).length, paused, 'nothing ran while paused');
    await call('delete', `/api/v1/schedules/${created.body.id}`);
  });

  test('a run still waiting for room when the next is due is not doubled: the next run is skipped and says why', async () => {
    const source = stream('busy-in');
    const target = stream('busy-out');
    await fillStream(redis, target, [{ n: 'already there' }]);
    const body = {
      name: 'bounded definition', source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'redis-stream', stream: target }, bound: 1,
    };
    // The definition itself would wait for room too: it is stopped, only its scheduled runs go.
    const saved = (await call('post', '/api/v1/transfers', body)).body.id as string;
    await call('post', `/api/v1/transfers/${saved}/stop`);
    await fillStream(redis, source, [{ n: 'waits for room' }]);
    const job = { kind: 'transfer', transferId: saved };
    const created = await call('post', '/api/v1/schedules', { name: 'Busy feed', cron: '*/2 * * * * *', timezone: 'UTC', job });
    let schedule = created.body;
    for (let i = 0; i < 200 && !/SCHEDULE_RUN_BUSY/.test(schedule.lastRun?.error ?? ''); i++) {
      await sleep(100);
      schedule = (await call('get', `/api/v1/schedules/${created.body.id}`)).body;
    }
    await call('post', `/api/v1/schedules/${created.body.id}/pause`);
    await scheduleRunsSettled(h.services);
    assert.match(schedule.lastRun?.error ?? '', /^SCHEDULE_RUN_BUSY: The previous run, transfer Busy feed .*, is still waiting: this run is skipped\.$/);
    // The run the schedule named is listed (polled: the list is a query the store answers from its index).
    let runs = await runsOf('Busy feed');
    for (let i = 0; i < 50 && runs.length === 0; i++) {
      await sleep(100);
      runs = await runsOf('Busy feed');
    }
    assert.equal(runs.length, 1, 'one run, waiting for room');
    assert.equal(schedule.lastRun.transferId, runs[0]?.id, 'the last run still names it');
    assert.equal(runs[0]?.status, 'waiting');
    await call('post', `/api/v1/transfers/${runs[0]?.id}/stop`);
    await call('delete', `/api/v1/schedules/${created.body.id}`);
  });

  test('a schedule of a transfer that does not exist is refused; the page adds one and shows a refusal', async () => {
    const missing = await call('post', '/api/v1/schedules', {
      name: 'Nowhere', cron: '0 2 * * *', job: { kind: 'transfer', transferId: '00000000-0000-0000-0000-000000000000' },
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    assert.ok(!(await call('get', '/api/v1/schedules')).body.schedules.some((s: { name: string }) => s.name === 'Nowhere'));

    const saved = await definition('page definition', stream('page-in'), stream('page-out'));
    assert.match((await h.get(`/transfers/${saved}`).expect(200)).text, new RegExp(`href="/schedules\\?transfer=${saved}#new-transfer-schedule"`));
    const offered = (await h.get(`/schedules?transfer=${saved}`).expect(200)).text;
    assert.match(offered, new RegExp(`id="new-transfer-schedule"[\\s\\S]*<option value="${saved}" selected>page definition`));
    const form = { _csrf: h.user.csrf, jobKind: 'transfer', name: 'From the page', cron: '15 3 * * *', timezone: 'Europe/Berlin', transferId: saved };
    const refused = await request(h.app).post('/schedules').set(h.user.headers).type('form').send({ ...form, cron: 'at three' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /id="schedule-error"[\s\S]*cron: not a cron expression DMS can read/);
    assert.match(refused.text, /id="new-transfer-schedule"[\s\S]*name="name" value="From the page"/);
    await request(h.app).post('/schedules').set(h.user.headers).type('form').send(form).expect(303).expect('location', '/schedules');
    const made = (await call('get', '/api/v1/schedules')).body.schedules.find((s: { name: string }) => s.name === 'From the page');
    assert.deepEqual(made.job, { kind: 'transfer', transferId: saved });
    assert.ok(Date.parse(made.nextRunAt) > Date.now());
    await call('delete', `/api/v1/schedules/${made.id}`);
  });
});
