import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { createMigration, eventsChannel, getMigration, retryFailedRows, startMigration, statusCacheKey, type MigrationDoc } from '../../../src/migrations/index.js';
import { getDataset, readChunkDoc, readRows } from '../../../src/datasets/index.js';
import {
  startHarness, makeDataset, runMigration, waitForState, emulatorRecords, accountMapping, approveAsSecondPerson, type Harness,
} from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { CsvRowReader } from '../../../src/salesforce/index.js';

describe('live migration page, status JSON, history search, role-guarded controls', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let viewer: TestUser;
  let operator: TestUser;
  let admin: TestUser;
  let done: MigrationDoc;
  const template = { mapping: accountMapping(), pipeline: [] };

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 5).toString('base64') } });
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    [viewer, operator, admin] = [await signIn(h.services, 'viewer'), await signIn(h.services, 'operator'), await signIn(h.services, 'admin')];
    const rows = Array.from({ length: 30 }, (_, i) => [i % 10 === 4 ? '' : `Live ${i}`, `City ${i}`]);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template, name: 'Live page run' });
  });
  after(async () => { await h.close(); });

  test('the status JSON has BullMQ and Salesforce state per batch and grouped errors, cached until the next save', async () => {
    assert.equal(done.state, 'completed');
    const plain = await request(app).get(`/api/v1/migrations/${done._id}`).set('Cookie', viewer.cookie).expect(200).expect('content-type', /json/);
    assert.deepEqual({ s: plain.body.totals.succeeded, f: plain.body.totals.failed }, { s: 27, f: 3 });
    assert.equal(plain.body.errors, undefined);
    assert.equal(plain.body.batches[0].queue, 'completed');
    assert.equal(plain.body.batches[0].salesforce, 'collections');
    const withErrors = await request(app).get(`/api/v1/migrations/${done._id}?errors=true`).set('Cookie', viewer.cookie).expect(200);
    assert.deepEqual(withErrors.body.errors.map((g: { code: string; fields: string; count: number }) => [g.code, g.fields, g.count]), [['REQUIRED_FIELD_MISSING', 'Name', 3]]);
    assert.deepEqual(withErrors.body.errors[0].examples.map((e: { row: number }) => e.row), [5, 15, 25]);
    assert.ok(await h.services.redis.get(statusCacheKey(done._id, false)), 'cached in Redis');
    await h.services.redis.publish(eventsChannel(done._id), '{}');
    const { saveMigration } = await import('../../../src/migrations/status.js');
    await saveMigration(h.services, await getMigration(h.services, done._id));
    assert.equal(await h.services.redis.get(statusCacheKey(done._id, false)), null, 'a save drops the cached status');
  });

  test('controls follow the role: viewer downloads only, operator run controls and the fix form', async () => {
    const asViewer = await request(app).get(`/migrations/${done._id}`).set('Cookie', viewer.cookie).expect(200);
    assert.doesNotMatch(asViewer.text, /action="\/migrations\/[^"]+\/(rollback|start|pause|cancel|retry-failed)"/);
    assert.match(asViewer.text, /results\/errors\.csv/);
    assert.match(asViewer.text, /REQUIRED_FIELD_MISSING/);
    const asOperator = await request(app).get(`/migrations/${done._id}`).set('Cookie', operator.cookie).expect(200);
    assert.match(asOperator.text, /action="\/migrations\/[^"]+\/rollback"/);
    assert.match(asOperator.text, /name="cell:5:name"/);
    assert.match(asOperator.text, /src="\/public\/vendor\/chart\.umd\.js"/);
    const zh = await request(app).get(`/migrations/${done._id}`).set('Cookie', `${operator.cookie}; lang=zh-CN`).expect(200);
    assert.match(zh.text, /修正并重试失败的行/);
    assert.match(zh.text, /已完成/);
    await request(app).post(`/migrations/${done._id}/rollback`).set('Cookie', viewer.cookie).type('form').send({ _csrf: viewer.csrf }).expect(403);
    await request(app).get('/public/vendor/chart.umd.js').expect(200).expect('content-type', /javascript/);
  });

  test('fix and retry through the page form: the edited rows succeed in a linked run', async () => {
    const form = { _csrf: operator.csrf, start: 'on', 'cell:5:name': 'Fixed 5', 'cell:15:name': 'Fixed 15', 'cell:25:name': 'Fixed 25', 'cell:5:city': 'City 4' };
    const res = await request(app).post(`/migrations/${done._id}/retry-failed`).set('Cookie', operator.cookie).type('form').send(form).expect(303);
    const childId = String(res.headers.location).split('/').pop() as string;
    assert.notEqual(childId, done._id);
    const child = await waitForState(h.services, childId, ['completed', 'failed']);
    assert.deepEqual({ s: child.totals.succeeded, f: child.totals.failed, parent: child.parentId }, { s: 3, f: 0, parent: done._id });
    const names = (await emulatorRecords(h.emulator, 'Account')).map((r) => r.Name);
    assert.ok(['Fixed 5', 'Fixed 15', 'Fixed 25'].every((n) => names.includes(n)));
  });

  test('a failed row\'s value too long to edit is shown cut, not as an input, and the retry keeps it whole', async () => {
    const long = (row: number) => `${row}${'長い住所 "Straße", '.repeat(200)}`;
    const rows = Array.from({ length: 6 }, (_, i) => [`Long ${i + 1}`, i % 2 === 1 ? long(i + 1) : `City ${i + 1}`]);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    const run = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template, name: 'Long values run' });
    assert.deepEqual({ s: run.totals.succeeded, f: run.totals.failed }, { s: 3, f: 3 });
    const page = await request(app).get(`/migrations/${run._id}`).set('Cookie', operator.cookie).expect(200);
    assert.ok(page.text.length < 100_000, `${page.text.length} characters of page`);
    assert.match(page.text, /name="cell:2:name"/);
    assert.doesNotMatch(page.text, /name="cell:2:city"/);
    const shown = /data-long="city">([^<]*) <small class="muted">Too long to edit here/.exec(page.text)?.[1].replaceAll('&#34;', '"');
    assert.equal(shown, `${long(2).slice(0, 200)}…`);
    // The error file: the value whole in its cell, the message quoting it cut and still saying the limit.
    const errorsCsv = (await request(app).get(`/api/v1/migrations/${run._id}/results/errors.csv`).set('Cookie', operator.cookie).expect(200)).text;
    const reader = new CsvRowReader();
    const [header, ...failed] = [...reader.push(errorsCsv), ...reader.end()];
    assert.deepEqual(failed.map((r) => r[header.indexOf('city')]), [long(2), long(4), long(6)]);
    for (const message of failed.map((r) => r[header.indexOf('Message')])) {
      assert.ok(message.length <= 1001 && message.includes('…') && message.endsWith('(max length=40)'), `${message.length} characters`);
    }
    const form = { _csrf: operator.csrf, start: 'on', 'cell:2:name': 'Long 2 fixed' };
    const res = await request(app).post(`/migrations/${run._id}/retry-failed`).set('Cookie', operator.cookie).type('form').send(form).expect(303);
    const child = await getMigration(h.services, String(res.headers.location).split('/').pop() as string);
    const retried = await request(app).get(`/api/v1/datasets/${child.datasetId}/rows?offset=0&limit=10`).set('Cookie', operator.cookie).expect(200);
    assert.deepEqual(retried.body.rows.map((r: string[]) => [r[0], r[1]]), [['Long 2 fixed', long(2)], ['Long 4', long(4)], ['Long 6', long(6)]]);
  });

  test('the failed rows of long text become a retry dataset cut into chunks of at most ~4 MB, every row whole', async () => {
    const long = (row: number) => `${row} ${'顧客データ "移行", 🌍\r\n'.repeat(1500)}`;
    const rows = Array.from({ length: 250 }, (_, i) => ['', long(i + 1)]);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    const run = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template, name: 'Long failed rows' });
    assert.equal(run.totals.failed, 250);
    const child = await retryFailedRows(h.services, run._id, 'test');
    const dataset = await getDataset(h.services.store, child.datasetId);
    assert.equal(dataset.rowCount, 250);
    assert.ok(dataset.chunkCount >= 3, `${dataset.chunkCount} chunks`);
    for (let index = 0; index < dataset.chunkCount; index++) {
      const chunk = await readChunkDoc(h.services.store, dataset._id, index);
      assert.ok((chunk.bytes ?? 0) < 4 * 1024 * 1024 + 100_000, `chunk ${index}: ${chunk.bytes} bytes`);
    }
    const page = await readRows(h.services.store, dataset, 0, 250);
    assert.deepEqual(page.rows.map((r) => [r[1], r[2]]), rows.map((r, i) => [r[1], i + 1]));
  });

  test('history search: filters by state, object, operation, user, text and date, with pages', async () => {
    const get = async (query: string) => (await request(app).get(`/api/v1/migrations?${query}`).set('Cookie', viewer.cookie).expect(200)).body as { migrations: { id: string; name: string }[]; hasNext: boolean };
    const all = await get('');
    assert.ok(all.migrations.length >= 2);
    const found = (await get('q=live%20PAGE')).migrations;
    assert.ok(found.some((m) => m.id === done._id) && found.every((m) => /Live page/.test(m.name)), 'case-insensitive contains');
    assert.equal((await get('q=no%20such%20run')).migrations.length, 0);
    assert.ok((await get('state=completed&object=Account&operation=insert&createdBy=test&connectionId=local')).migrations.some((m) => m.id === done._id));
    assert.equal((await get('state=paused')).migrations.length, 0);
    assert.equal((await get('operation=delete')).migrations.length, 0);
    assert.equal((await get('createdBy=nobody')).migrations.length, 0);
    const today = new Date().toISOString().slice(0, 10);
    assert.ok((await get(`from=${today}&to=${today}`)).migrations.length >= 2);
    assert.equal((await get('to=2000-01-01')).migrations.length, 0);
    const first = await get('size=1');
    const second = await get('size=1&page=2');
    assert.equal(first.hasNext, true);
    assert.notEqual(first.migrations[0]?.id, second.migrations[0]?.id);
    await request(app).get('/api/v1/migrations?state=bogus').set('Cookie', viewer.cookie).expect(400);
    const page = await request(app).get('/migrations?q=live').set('Cookie', viewer.cookie).expect(200);
    assert.match(page.text, new RegExp(`data-migration="${done._id}"`));
    assert.match(page.text, /id="migration-filters"/);
  });

  test('the event stream starts with the status, forwards progress events and tells the browser how to reconnect', async () => {
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/migrations/${done._id}/events`, { headers: { cookie: viewer.cookie }, signal: controller.signal });
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('event: status')) text += new TextDecoder().decode((await reader.read()).value);
      assert.match(text, /^retry: 3000\n/);
      const published = setInterval(() => void h.services.redis.publish(eventsChannel(done._id), '{"type":"budget","n":1}'), 50);
      while (!text.includes('"n":1')) text += new TextDecoder().decode((await reader.read()).value);
      clearInterval(published);
    } finally {
      controller.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('roll back on a production org needs an admin', async () => {
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({
      method: 'password', name: 'Production emulator', loginUrl: h.emulator.url, username: 'admin@local.org', password: 'password',
      clientId: 'dms-local', clientSecret: 'dms-local-secret', production: true,
    }).expect(201);
    const rows = Array.from({ length: 5 }, (_, i) => [`Prod ${i}`, 'Prod City']);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    const run = await createMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template, connectionId: created.body.id }, 'test');
    assert.equal((await startMigration(h.services, run._id, 'test')).state, 'awaiting_approval');
    await approveAsSecondPerson(h.services, run._id);
    const prod = await waitForState(h.services, run._id, ['completed']);
    const asOperator = await request(app).get(`/migrations/${prod._id}`).set('Cookie', operator.cookie).expect(200);
    assert.doesNotMatch(asOperator.text, /\/rollback"/);
    await request(app).post(`/api/v1/migrations/${prod._id}/rollback`).set(operator.headers).expect(403);
    const asAdmin = await request(app).get(`/migrations/${prod._id}`).set('Cookie', admin.cookie).expect(200);
    assert.match(asAdmin.text, /\/rollback"/);
    const asked = await request(app).post(`/api/v1/migrations/${prod._id}/rollback`).set(admin.headers).send({ confirm: true, confirmObject: 'Account' }).expect(200);
    assert.equal(asked.body.migration.state, 'awaiting_approval');
    await approveAsSecondPerson(h.services, prod._id);
    assert.equal((await waitForState(h.services, prod._id, ['rolled_back'])).state, 'rolled_back');
  });
});
