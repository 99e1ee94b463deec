import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { createMigration, getMigration, type MigrationDoc } from '../../../src/migrations/index.js';
import { saveTemplate, TemplateInput } from '../../../src/templates/index.js';
import {
  startHarness, makeDataset, runMigration, waitForState, emulatorRecords, accountMapping, approveAsSecondPerson, type Harness,
} from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** Nothing destructive on one click: the server asks for confirm (and the object name on production) itself. */
describe('destructive actions need a confirmation in the request', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let operator: TestUser;
  let admin: TestUser;
  const template = { mapping: accountMapping(), pipeline: [] };
  const rows = (tag: string, n: number) => Array.from({ length: n }, (_, i) => [`${tag} ${i}`, 'Confirm City']);
  const named = async (tag: string) => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.Name).startsWith(tag)).length;

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } });
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    [operator, admin] = [await signIn(h.services, 'operator'), await signIn(h.services, 'admin')];
  });
  after(async () => { await h.close(); });

  test('roll back: 400 with the numbers and nothing deleted, until confirm is sent', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows('RB', 9));
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template });
    const refused = await request(app).post(`/api/v1/migrations/${done._id}/rollback`).set(operator.headers).send({}).expect(400);
    assert.equal(refused.body.error.code, 'CONFIRMATION_REQUIRED');
    assert.match(refused.body.error.message, /delete 9 records created by this run in Account and restore 0 updated records/);
    assert.equal((await getMigration(h.services, done._id)).state, 'completed');
    assert.equal(await named('RB'), 9);
    const page = await request(app).post(`/migrations/${done._id}/rollback`).set('Cookie', operator.cookie).type('form')
      .send({ _csrf: operator.csrf }).set('accept', 'text/html').expect(400);
    assert.match(page.text, /delete 9 records created by this run/);
    await request(app).post(`/migrations/${done._id}/rollback`).set('Cookie', operator.cookie).type('form')
      .send({ _csrf: operator.csrf, confirm: 'true' }).expect(303);
    await waitForState(h.services, done._id, ['rolled_back']);
    assert.equal(await named('RB'), 0);
  });

  test('the dialog reads the sentence of the moment, in the reader\'s language', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows('IM', 4));
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template });
    const en = await request(app).get(`/api/v1/migrations/${done._id}/impact/rollback`).set('Cookie', operator.cookie).expect(200);
    assert.deepEqual({ ...en.body, message: undefined }, { action: 'rollback', confirm: true, message: undefined, typeBack: null });
    assert.match(en.body.message, /delete 4 records/);
    const zh = await request(app).get(`/api/v1/migrations/${done._id}/impact/rollback`).set('Cookie', `${operator.cookie}; lang=zh-CN`).expect(200);
    assert.match(zh.body.message, /删除本次运行在 Account 中创建的 4 条记录/);
    const pause = await request(app).get(`/api/v1/migrations/${done._id}/impact/pause`).set('Cookie', operator.cookie).expect(200);
    assert.equal(pause.body.confirm, false);
    const live = await request(app).get(`/migrations/${done._id}`).set('Cookie', operator.cookie).expect(200);
    assert.match(live.text, /data-action="rollback"[^>]*data-confirm-url="\/api\/v1\/migrations\/[^"]+\/impact\/rollback"/);
    assert.match(live.text, /<dialog id="confirm-dialog"/);
  });

  test('cancel asks first; start on a non-production org does not', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows('CA', 3));
    const doc: MigrationDoc = await createMigration(h.services, { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template }, 'test');
    const refused = await request(app).post(`/api/v1/migrations/${doc._id}/cancel`).set(operator.headers).send({}).expect(400);
    assert.match(refused.body.error.message, /the 3 rows not yet written will not be written/);
    assert.equal((await getMigration(h.services, doc._id)).state, 'created');
    await request(app).post(`/api/v1/migrations/${doc._id}/cancel`).set(operator.headers).send({ confirm: true }).expect(200);
    assert.equal((await getMigration(h.services, doc._id)).state, 'cancelled');
  });

  test('a production org: start and retry ask for the object name typed back', async () => {
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({
      method: 'password', name: 'Prod twin', loginUrl: h.emulator.url, username: 'admin@local.org', password: 'password',
      clientId: 'dms-local', clientSecret: 'dms-local-secret', production: true,
    }).expect(201);
    const datasetId = await makeDataset(h.services, ['name', 'city'], [['PR 1', 'X'], ['', 'no name'], ['PR 3', 'Y']]);
    const body = { datasetId, connectionId: created.body.id, object: 'Account', operation: 'insert', template };
    const run = await request(app).post('/api/v1/migrations').set(operator.headers).send(body).expect(201);
    const id = run.body.migration.id as string;
    const start = `/api/v1/migrations/${id}/start`;
    const plain = await request(app).post(start).set(operator.headers).send({}).expect(400);
    assert.equal(plain.body.error.code, 'CONFIRMATION_REQUIRED');
    assert.deepEqual(plain.body.error.details.typeBack, 'Account');
    assert.match(plain.body.error.details.impact, /write 3 rows to Account \(insert\) in the production org Prod twin/);
    const wrong = await request(app).post(start).set(operator.headers).send({ confirm: true, confirmObject: 'Contact' }).expect(400);
    assert.equal(wrong.body.error.code, 'CONFIRMATION_MISMATCH');
    assert.equal((await getMigration(h.services, id)).state, 'created');
    const waiting = await request(app).post(start).set(operator.headers).send({ confirm: true, confirmObject: 'account' }).expect(200);
    assert.equal(waiting.body.migration.state, 'awaiting_approval');
    await approveAsSecondPerson(h.services, id);
    const done = await waitForState(h.services, id, ['completed']);
    assert.equal(done.totals.failed, 1);
    const retry = `/api/v1/migrations/${id}/retry-failed`;
    const noName = await request(app).post(retry).set(operator.headers).send({ confirm: true }).expect(400);
    assert.equal(noName.body.error.code, 'CONFIRMATION_MISMATCH');
    const unasked = await request(app).post(retry).set(operator.headers).send({}).expect(400);
    assert.match(unasked.body.error.message, /send the 1 failed rows to Account again in the production org Prod twin/);
    assert.equal((await getMigration(h.services, id)).childIds.length, 0);
    await request(app).post(retry).set(operator.headers).send({ confirm: true, confirmObject: 'Account' }).expect(201);
  });

  test('deleting a dataset or a template asks first, with what goes', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows('DS', 12));
    const refused = await request(app).delete(`/api/v1/datasets/${datasetId}`).set(operator.headers).expect(400);
    assert.match(refused.body.error.message, /its 12 rows in 1 chunks/);
    await request(app).get(`/api/v1/datasets/${datasetId}`).set(operator.headers).expect(200);
    const page = await request(app).get(`/datasets/${datasetId}`).set('Cookie', operator.cookie).expect(200);
    assert.match(page.text, /data-confirm="Delete the dataset &#34;[^"]+&#34;: its 12 rows/);
    await request(app).post(`/datasets/${datasetId}/delete`).set('Cookie', operator.cookie).type('form').send({ _csrf: operator.csrf, confirm: 'on' }).expect(303);
    await request(app).get(`/api/v1/datasets/${datasetId}`).set(operator.headers).expect(404);

    const input = TemplateInput.parse({ name: 'Doomed', object: 'Account', operation: 'insert', mapping: accountMapping() });
    await saveTemplate(h.services.store, input, 'test');
    await saveTemplate(h.services.store, input, 'test');
    const kept = await request(app).delete('/api/v1/templates/Doomed').set(operator.headers).send({}).expect(400);
    assert.match(kept.body.error.message, /all its 2 versions/);
    await request(app).get('/api/v1/templates/Doomed').set(operator.headers).expect(200);
    const show = await request(app).get('/templates/Doomed').set('Cookie', operator.cookie).expect(200);
    assert.match(show.text, /id="delete-template" data-confirm="Delete the template &#34;Doomed&#34; with all its 2 versions/);
    await request(app).delete('/api/v1/templates/Doomed').set(operator.headers).send({ confirm: true }).expect(204);
    await request(app).get('/api/v1/templates/Doomed').set(operator.headers).expect(404);
  });
});
