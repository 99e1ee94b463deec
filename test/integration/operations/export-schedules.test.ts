import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { assertMatchesContract } from '../../support/contract.js';
import { scheduleRunsSettled } from './schedule-runs.js';
import { seed, startExportHarness, type DatasetBody, type ExportHarness } from '../exports/support.js';

interface Listed extends DatasetBody { name: string; uploadedBy: string }

describe('schedules of exports', () => {
  let h: ExportHarness;
  let ids: string[];

  before(async () => {
    h = await startExportHarness();
    ids = await seed(h.conn, 'Account', ['Name', 'AccountNumber'], [['Nightly A', 'NE-1'], ['Nightly B', 'NE-2']]);
  });
  after(async () => h.close());

  const call = async (method: 'get' | 'post' | 'delete', url: string, body?: object) => {
    const res = await request(h.app)[method](url).set(h.user.headers).send(body);
    assertMatchesContract(method, url, res.status, res.body, String(res.headers['content-type'] ?? ''));
    return res;
  };
  /** The datasets a schedule's runs made (exporting ones too). */
  const datasetsOf = async (name: string): Promise<Listed[]> => {
    const { datasets } = (await h.get('/api/v1/datasets?pageSize=200').expect(200)).body as { datasets: Listed[] };
    return datasets.filter((d) => d.uploadedBy === `schedule:${name}`);
  };
  const runsOf = async (name: string) => (await datasetsOf(name)).filter((d) => d.status === 'ready');
  const waitForRuns = async (name: string, count: number): Promise<Listed[]> => {
    let runs = await runsOf(name);
    for (let i = 0; i < 200 && runs.length < count; i++) {
      await sleep(100);
      runs = await runsOf(name);
    }
    return runs;
  };

  test('each run exports into a new dataset named with its time in the schedule\'s zone; paused, nothing more runs', async () => {
    const job = { kind: 'export', object: 'Account', fields: ['Id', 'Name'], where: "AccountNumber LIKE 'NE-%'", api: 'rest' };
    const created = await call('post', '/api/v1/schedules', { name: 'Nightly export', cron: '* * * * * *', timezone: 'Asia/Shanghai', job });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.job.kind, 'export');
    const runs = await waitForRuns('Nightly export', 2);
    assert.ok(runs.length >= 2, `runs: ${runs.length}`);
    assert.equal(new Set(runs.map((r) => r.name)).size, runs.length, 'a new dataset per run, each named apart');
    for (const run of runs) {
      assert.match(run.name, /^Nightly export \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      // The name's time is Shanghai's (UTC+8): within a few seconds of now there, and the cron time the run is for,
      // never one before the schedule existed (runs were once named with the time their job was queued: the run before's).
      const named = Date.parse(`${run.name.slice('Nightly export '.length).replace(' ', 'T')}+08:00`);
      assert.ok(Math.abs(named - Date.now()) < 60_000, run.name);
      assert.ok(named >= Date.parse(created.body.createdAt), `${run.name} is after the schedule was made, ${created.body.createdAt}`);
      assert.equal(run.rowCount, 2);
      assert.equal(run.source?.soql, "SELECT Id, Name FROM Account WHERE AccountNumber LIKE 'NE-%'");
    }
    const rows = (await h.get(`/api/v1/datasets/${runs[0]?.id}/rows?offset=0&limit=10`).expect(200)).body.rows as string[][];
    assert.deepEqual(rows.map((r) => r[0]).sort(), [...ids].sort());

    await call('post', `/api/v1/schedules/${created.body.id}/pause`);
    const listed = (await call('get', `/api/v1/schedules/${created.body.id}`)).body;
    assert.ok(listed.lastRun.datasetId?.startsWith('ds-'), 'the last run names its dataset');
    const page = await h.get('/schedules').expect(200);
    assert.match(page.text, new RegExp(`data-schedule="${created.body.id}"[\\s\\S]*?export · Account \\(Id, Name\\)[\\s\\S]*?href="/datasets/${listed.lastRun.datasetId}"`));
    await scheduleRunsSettled(h.services);
    const paused = (await datasetsOf('Nightly export')).length;
    await sleep(2500);
    assert.equal((await datasetsOf('Nightly export')).length, paused, 'nothing ran while paused');
    await call('delete', `/api/v1/schedules/${created.body.id}`);
  });

  test('a query the org refuses is refused when the schedule is made, not at its first run', async () => {
    const schedule = (job: object) => ({ name: 'Broken', cron: '0 2 * * *', timezone: 'UTC', job: { kind: 'export', ...job } });
    const badField = await call('post', '/api/v1/schedules', schedule({ soql: "SELECT Id FROM Account WHERE Industri = 'x'" }));
    assert.equal(badField.status, 400);
    assert.equal(badField.body.error.code, 'SOQL_INVALID');
    const noFields = await call('post', '/api/v1/schedules', schedule({ object: 'Account' }));
    assert.equal(noFields.status, 400);
    assert.equal(noFields.body.error.code, 'VALIDATION_FAILED');
    const names = (await call('get', '/api/v1/schedules')).body.schedules.map((s: { name: string }) => s.name);
    assert.ok(!names.includes('Broken'), 'no schedule was made');
  });

  test('the schedules page adds a recurring export; a refusal is shown on the page with the values kept', async () => {
    const form = {
      _csrf: h.user.csrf, name: 'From the page', cron: '30 1 * * *', timezone: 'Europe/Berlin', connectionId: 'local',
      object: 'Account', fields: 'Id, Name, AccountNumber', where: '', soql: '', queryAll: 'on', api: 'bulk',
    };
    const refused = await request(h.app).post('/schedules').set(h.user.headers).type('form').send({ ...form, cron: 'at two' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /id="schedule-error"[\s\S]*cron: not a cron expression DMS can read/);
    assert.match(refused.text, /name="fields" value="Id, Name, AccountNumber"/);

    await request(h.app).post('/schedules').set(h.user.headers).type('form').send(form).expect(303).expect('location', '/schedules');
    const made = (await call('get', '/api/v1/schedules')).body.schedules.find((s: { name: string }) => s.name === 'From the page');
    assert.equal(made.name, 'From the page');
    assert.deepEqual(made.job, {
      kind: 'export', connectionId: 'local', object: 'Account', fields: ['Id', 'Name', 'AccountNumber'], conditions: [],
      queryAll: true, api: 'bulk',
    });
    assert.ok(Date.parse(made.nextRunAt) > Date.now());
    await call('delete', `/api/v1/schedules/${made.id}`);
  });
});
