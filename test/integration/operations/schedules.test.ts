import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { startHarness, writeDataset, type Harness } from '../preflight/support.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { searchMigrations } from '../../../src/migrations/index.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { assertMatchesContract } from '../../support/contract.js';
import { scheduleRunsSettled } from './schedule-runs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mapping = { object: 'Account', fields: [{ column: 'name', field: 'Name' }] };

describe('schedules and webhooks', () => {
  let h: Harness;
  let admin: TestUser;
  let workers: RunningWorkers | undefined;
  before(async () => {
    h = await startHarness();
    admin = await signIn(h.services, 'admin');
    await h.post('/api/v1/templates', { name: 'Nightly accounts', object: 'Account', operation: 'insert', mapping }).expect(201);
  });
  after(async () => {
    await workers?.close(2000);
    await h.close();
  });

  const call = async (method: 'get' | 'post' | 'delete', url: string, body?: object, as: TestUser = admin) => {
    const res = await request(h.app)[method](url).set(as.headers).send(body);
    assertMatchesContract(method, url, res.status, res.body, String(res.headers['content-type'] ?? ''));
    return res;
  };
  const runsOf = async (name: string) =>
    (await searchMigrations(h.services, { createdBy: `schedule:${name}`, size: 200 })).migrations.map((m) => Date.parse(m.createdAt));
  const schedule = (name: string, cron: string, datasetName: string) => ({
    name, cron, timezone: 'Asia/Shanghai',
    job: { kind: 'migration', datasetName, object: 'Account', operation: 'insert', templateName: 'Nightly accounts' },
  });

  test('a run missed while DMS was down starts once when the workers come back, not once per missed time', async () => {
    const datasetName = 'missed-runs';
    await writeDataset(h.services, ['name'], [['Missed Inc']]).then((id) => h.services.store.db('datasets').get(id))
      .then((doc) => h.services.store.db('datasets').insert({ ...doc, name: datasetName } as never));
    const created = await call('post', '/api/v1/schedules', schedule('missed', '*/4 * * * * *', datasetName));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(Date.parse(created.body.nextRunAt) > Date.now() - 1000);
    // No worker for at least two run times; it comes back just after a run time, so the next one is ~3.8 s away.
    await sleep(8000);
    while (Date.now() % 4000 < 100 || Date.now() % 4000 > 300) await sleep(20);
    const back = Date.now();
    workers = startWorkers(h.services);
    let runs: number[] = [];
    for (let i = 0; i < 40 && runs.length === 0; i++) {
      await sleep(100);
      runs = await runsOf('missed');
    }
    const nextTick = Math.ceil(back / 4000) * 4000;
    await sleep(Math.max(0, nextTick - Date.now() - 100));
    runs = await runsOf('missed');
    assert.equal(runs.filter((at) => at < nextTick).length, 1, `runs before the next cron time: ${runs.map((r) => r - back)}`);
    await call('post', `/api/v1/schedules/${created.body.id}/pause`);
  });

  test('listed with the next run, paused and resumed on the page; a paused schedule starts nothing', async () => {
    assert.ok(workers, 'the workers of the first test run');
    const datasetName = 'every-second';
    await writeDataset(h.services, ['name'], [['Second Inc']]).then((id) => h.services.store.db('datasets').get(id))
      .then((doc) => h.services.store.db('datasets').insert({ ...doc, name: datasetName } as never));
    const created = await call('post', '/api/v1/schedules', schedule('seconds', '* * * * * *', datasetName));
    for (let i = 0; i < 30 && (await runsOf('seconds')).length < 2; i++) await sleep(100);
    assert.ok((await runsOf('seconds')).length >= 2);
    const listed = await call('get', '/api/v1/schedules');
    const mine = listed.body.schedules.find((s: { id: string }) => s.id === created.body.id);
    assert.ok(mine.lastRun.migrationId, 'the last run names its migration');
    assert.ok(Date.parse(mine.nextRunAt) > Date.now() - 1000 && Date.parse(mine.nextRunAt) < Date.now() + 2000);

    await request(h.app).post(`/schedules/${created.body.id}/pause`).set(h.user.headers).type('form').send({ _csrf: h.user.csrf }).expect(303);
    await scheduleRunsSettled(h.services);
    const paused = (await runsOf('seconds')).length;
    await sleep(2500);
    assert.equal((await runsOf('seconds')).length, paused, 'nothing ran while paused');
    const page = await request(h.app).get('/schedules').set(h.user.headers).expect(200);
    assert.match(page.text, new RegExp(`data-schedule="${created.body.id}"[\\s\\S]*?paused[\\s\\S]*?data-next>—`));
    assert.equal((await call('get', `/api/v1/schedules/${created.body.id}`)).body.nextRunAt, undefined);
    await call('post', `/api/v1/schedules/${created.body.id}/resume`);
    for (let i = 0; i < 30 && (await runsOf('seconds')).length === paused; i++) await sleep(100);
    assert.ok((await runsOf('seconds')).length > paused, 'it runs again');
    await call('delete', `/api/v1/schedules/${created.body.id}`);
    const invalid = await call('post', '/api/v1/schedules', { ...schedule('bad', 'every day', datasetName), timezone: 'Mars/Base' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.error.details.map((d: { path: string }) => d.path).sort(), ['cron', 'timezone']);
  });

  test('a webhook hears a run end, signed with HMAC-SHA256, retried after a failure, logged on the page', async () => {
    assert.ok(workers);
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let ours = '';
    // Runs the schedules above started end too: only this test's run is recorded, and its first delivery refused.
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if ((JSON.parse(body) as { migration: { id: string } }).migration.id !== ours) return res.writeHead(204).end();
        received.push({ headers: req.headers, body });
        res.writeHead(received.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/dms`;
      await call('post', '/api/v1/webhooks', { name: 'ops chat', url }, h.user).then((r) => assert.equal(r.status, 403));
      const hook = await call('post', '/api/v1/webhooks', { name: 'ops chat', url, events: ['completed'] });
      assert.equal(hook.status, 201);
      const datasetId = await writeDataset(h.services, ['name'], [['Hooked Ltd'], ['']]);
      const created = await call('post', '/api/v1/migrations', { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } });
      ours = created.body.migration.id;
      await call('post', `/api/v1/migrations/${ours}/start`);
      for (let i = 0; i < 200 && received.length === 0; i++) await sleep(100);
      assert.equal(received.length, 1, 'first delivery');
      // Retried with backoff: the job waits in the delayed set; promote it rather than wait the 10 s.
      const retrying = async () => (await h.services.producer.queue('webhooks').getDelayed()).filter((j) => j.data.migrationId === ours);
      let delayed = await retrying();
      for (let i = 0; i < 50 && delayed.length === 0; i++) {
        await sleep(100);
        delayed = await retrying();
      }
      assert.equal(delayed.length, 1, 'the failed delivery waits for its retry');
      await delayed[0]?.promote();
      for (let i = 0; i < 100 && received.length < 2; i++) await sleep(100);
      assert.equal(received.length, 2);

      const { headers, body } = received[1] as (typeof received)[number];
      const expected = createHmac('sha256', hook.body.secret).update(`${headers['x-dms-timestamp']}.${body}`).digest('hex');
      assert.equal(headers['x-dms-signature'], `sha256=${expected}`);
      assert.equal(headers['x-dms-event'], 'migration.completed');
      const payload = JSON.parse(body);
      assert.equal(payload.migration.id, created.body.migration.id);
      assert.deepEqual([payload.migration.totals.succeeded, payload.migration.totals.failed], [1, 1]);

      let log = await call('get', `/api/v1/webhooks/${hook.body.id}/deliveries`);
      const ourState = () => log.body.deliveries.find((d: { migrationId: string }) => d.migrationId === ours)?.state;
      for (let i = 0; i < 30 && ourState() !== 'delivered'; i++) {
        await sleep(100);
        log = await call('get', `/api/v1/webhooks/${hook.body.id}/deliveries`);
      }
      const delivery = log.body.deliveries.find((d: { migrationId: string }) => d.migrationId === ours);
      assert.equal(delivery.state, 'delivered');
      assert.deepEqual(delivery.attempts.map((a: { status: number }) => a.status), [503, 204]);
      const page = await request(h.app).get('/schedules').set(admin.headers).expect(200);
      assert.match(page.text, new RegExp(`data-webhook="${hook.body.id}"[\\s\\S]*delivered`));
      assert.doesNotMatch((await request(h.app).get('/schedules').set(h.user.headers).expect(200)).text, /data-webhook=/);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
