import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startHarness, makeDataset, emulatorRecords, setFaults, waitForState, type Harness } from './harness.js';
import { createApp } from '../../../src/app.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };

/** Controls through the HTTP API: pause/resume, cancel, retry failed rows as a linked child, downloads. */
describe('migration controls over the API', () => {
  let h: Harness;
  let user: TestUser;
  before(async () => {
    h = await startHarness();
    user = await signIn(h.services, 'admin');
  });
  after(async () => { await h.close(); });
  const rows = (tag: string, n: number) => Array.from({ length: n }, (_, i) => [`${tag}-${i}`, `Name ${i}`]);
  const count = async (tag: string) => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`)).length;

  test('pause holds the run, resume completes it', async () => {
    const app = createApp(h.services);
    const tag = `p${Date.now().toString(36)}`;
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rows(tag, 2000), 500);
    await setFaults(h.emulator, { latency: 30 });
    const created = await request(app).post('/api/v1/migrations').set(user.headers).send({ datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping }, options: { batchSize: 200, concurrency: 1 } }).expect(201);
    const id = created.body.migration.id;
    await request(app).post(`/api/v1/migrations/${id}/start`).set(user.headers).expect(200);
    await waitForState(h.services, id, ['running']);
    await request(app).post(`/api/v1/migrations/${id}/pause`).set(user.headers).expect(200);
    await new Promise((r) => setTimeout(r, 1500));
    // The live table lists every batch in order, those not begun as pending with no rows (it once skipped them).
    const paused = await request(app).get(`/api/v1/migrations/${id}`).set(user.headers).expect(200);
    const listed: { batch: number; state: string; totals: { succeeded: number } }[] = paused.body.batches;
    assert.deepEqual(listed.map((b) => b.batch), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(listed.some((b) => b.state === 'pending' && b.totals.succeeded === 0), JSON.stringify(listed));
    const frozen = await count(tag);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await count(tag), frozen, 'nothing written while paused');
    assert.ok(frozen < 2000);
    await setFaults(h.emulator, { latency: 0 });
    await request(app).post(`/api/v1/migrations/${id}/resume`).set(user.headers).expect(200);
    const done = await waitForState(h.services, id, ['completed']);
    assert.equal(done.totals.succeeded, 2000);
    assert.equal(await count(tag), 2000);
    const status = await request(app).get(`/api/v1/migrations/${id}`).set(user.headers).expect(200);
    assert.equal(status.body.percent, 100);
    const csv = await request(app).get(`/api/v1/migrations/${id}/results/success.csv`).set(user.headers).expect(200);
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'ext,name,Id,Created,Source Row');
    assert.equal(lines.length, 2001);
    assert.match(lines[1], new RegExp(`^${tag}-0,Name 0,001\\w{15},true,1$`));
  });

  test('a mapping that reads a column the dataset lacks is refused at creation, not left running', async () => {
    const app = createApp(h.services);
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rows(`m${Date.now().toString(36)}`, 3));
    const wrong = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'Company', field: 'Name' }] };
    const body = { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping: wrong } };
    const refused = await request(app).post('/api/v1/migrations').set(user.headers).send(body).expect(400);
    assert.equal(refused.body.error.code, 'MAPPING_COLUMN_MISSING');
    assert.match(refused.body.error.message, /'Company' \(mapping to Name\)/);
    const renamed = { ...body, template: { mapping: wrong, pipeline: [{ op: 'rename', mapping: { name: 'Company' } }] } };
    await request(app).post('/api/v1/migrations').set(user.headers).send(renamed).expect(201);
  });

  test('cancel drops the remaining batches; totals still add up', async () => {
    const app = createApp(h.services);
    const tag = `c${Date.now().toString(36)}`;
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rows(tag, 3000), 500);
    await setFaults(h.emulator, { latency: 30 });
    const created = await request(app).post('/api/v1/migrations').set(user.headers).send({ datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping }, options: { apiMode: 'bulk', batchSize: 300, concurrency: 1 } }).expect(201);
    const id = created.body.migration.id;
    await request(app).post(`/api/v1/migrations/${id}/start`).set(user.headers).expect(200);
    await waitForState(h.services, id, ['running']);
    await new Promise((r) => setTimeout(r, 500));
    await request(app).post(`/api/v1/migrations/${id}/cancel`).set(user.headers).send({ confirm: true }).expect(200);
    const done = await waitForState(h.services, id, ['cancelled']);
    await setFaults(h.emulator, { latency: 0 });
    assert.ok(done.totals.skipped > 0);
    assert.equal(done.totals.succeeded + done.totals.failed + done.totals.skipped, 3000);
    assert.equal(await count(tag), done.totals.succeeded);
  });

  test('retry failed rows: a linked child migration with edited rows succeeds', async () => {
    const app = createApp(h.services);
    const tag = `r${Date.now().toString(36)}`;
    const data = rows(tag, 50);
    data[3][1] = '';
    data[9][1] = '';
    const datasetId = await makeDataset(h.services, ['ext', 'name'], data);
    const created = await request(app).post('/api/v1/migrations').set(user.headers).send({ datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } }).expect(201);
    const id = created.body.migration.id;
    await request(app).post(`/api/v1/migrations/${id}/start`).set(user.headers).expect(200);
    const parent = await waitForState(h.services, id, ['completed']);
    assert.equal(parent.totals.failed, 2);
    const errors = await request(app).get(`/api/v1/migrations/${id}/results/errors.csv`).set(user.headers).expect(200);
    assert.match(errors.text, /REQUIRED_FIELD_MISSING/);
    const child = await request(app).post(`/api/v1/migrations/${id}/retry-failed`).set(user.headers)
      .send({ start: true, edits: [{ row: 4, values: { name: 'Fixed 4' } }, { row: 10, values: { name: 'Fixed 10' } }] }).expect(201);
    assert.equal(child.body.migration.parentId, id);
    const done = await waitForState(h.services, child.body.migration.id, ['completed']);
    assert.equal(done.totals.succeeded, 2);
    assert.equal(await count(tag), 50);
    const page = await request(app).get(`/migrations/${id}`).set(user.headers).expect(200);
    assert.match(page.text, /REQUIRED_FIELD_MISSING/);
  });
});
