import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { getDraft } from '../../../src/drafts/index.js';
import { getValidation } from '../../../src/preflight/index.js';
import { saveTemplate, TemplateInput } from '../../../src/templates/index.js';
import { startHarness, makeDataset, runMigration, waitForState, emulatorRecords, accountMapping, type Harness } from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** Migrations -> New without JSON: one draft on the server, a page per step with Back and Next. */
describe('the guided flow keeps its state on the server, step by step', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let user: TestUser;
  let admin: TestUser;
  let datasetId: string;
  const runMigrationOf = (id: string, operation: 'insert') =>
    runMigration(h.services, { datasetId: id, object: 'Account', operation, template: { mapping: { object: 'Account', fields: [{ column: 'Account Name', field: 'Name' }, { column: 'City', field: 'BillingCity' }] } } });
  const form = (url: string, body: Record<string, string>) =>
    request(app).post(url).set('Cookie', user.cookie).type('form').send({ _csrf: user.csrf, ...body });
  const page = (url: string) => request(app).get(url).set('Cookie', user.cookie);
  const draftIdOf = (location: string) => /\/migrations\/drafts\/([^/]+)\//.exec(location)?.[1] ?? '';

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 3).toString('base64') } });
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    user = await signIn(h.services, 'operator');
    admin = await signIn(h.services, 'admin');
    datasetId = await makeDataset(h.services, ['Account Name', 'City'], Array.from({ length: 6 }, (_, i) => [`Flow ${i}`, ` town ${i} `]));
  });
  after(async () => { await h.close(); });

  test('dataset -> org and object -> mapping -> transform -> validate -> run, with a reload at every step', async () => {
    const start = await page(`/migrations/new?datasetId=${datasetId}`).expect(200);
    assert.match(start.text, new RegExp(`<option value="${datasetId}" selected>`));
    assert.doesNotMatch(start.text, /<textarea/, 'no JSON boxes');
    const created = await form('/migrations/drafts', { datasetId }).expect(303);
    const id = draftIdOf(created.headers.location);
    assert.equal(created.headers.location, `/migrations/drafts/${id}/target`);

    const target = await page(`/migrations/drafts/${id}/target`).expect(200);
    assert.match(target.text, /<option value="Account">Account \(Account\)<\/option>/);
    assert.match(target.text, /Upsert<\/strong> <small class="muted">Update the record whose external id matches/);
    await form(`/migrations/drafts/${id}/target`, { connectionId: 'local', object: '', operation: 'insert', nav: 'next' })
      .expect(422).expect(/Choose the object the rows go to/);
    await form(`/migrations/drafts/${id}/target`, { connectionId: 'local', object: 'Account', operation: 'insert', nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${id}/mapping`);

    // The mapping page suggests with scores; an edit saved by one tab is what the next reload shows.
    const mapping = await page(`/migrations/drafts/${id}/mapping`).expect(200);
    assert.match(mapping.text, /<tr data-column="Account Name">[\s\S]*?<option value="Name" selected>[\s\S]*?data-score="0.95"[\s\S]*?same label/);
    const edited = { ...accountMapping(), fields: [{ column: 'Account Name', field: 'Name' }, { column: 'City', field: 'BillingCity' }] };
    await request(app).patch(`/api/v1/drafts/${id}`).set(user.headers).send({ mapping: edited }).expect(200);
    const reloaded = await page(`/migrations/drafts/${id}/mapping`).expect(200);
    assert.match(reloaded.text, /<tr data-column="City">[\s\S]*?<option value="BillingCity" selected>/);
    await form(`/migrations/drafts/${id}/mapping`, { mapping: JSON.stringify(edited), nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${id}/pipeline`);

    // A half-filled step is kept and waits; Next names what is missing.
    await request(app).patch(`/api/v1/drafts/${id}`).set(user.headers).send({ pipeline: [{ op: 'trim' }] }).expect(200);
    assert.deepEqual((await getDraft(h.services, id)).pipeline, [{ op: 'trim' }]);
    await form(`/migrations/drafts/${id}/pipeline`, { pipeline: '[{"op":"trim"}]', nav: 'next' })
      .expect(422).expect(/Step 1 \(trim\) is not complete yet: fill in columns/);
    await form(`/migrations/drafts/${id}/pipeline`, { pipeline: '[{"op":"trim","columns":["City"]}]', nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${id}/validate`);
    // Back keeps what was chosen.
    await form(`/migrations/drafts/${id}/pipeline`, { pipeline: '[{"op":"trim","columns":["City"]}]', nav: 'back' })
      .expect(303).expect('location', `/migrations/drafts/${id}/mapping`);

    const unvalidated = await page(`/migrations/drafts/${id}/validate`).expect(200);
    assert.match(unvalidated.text, /Not validated yet/);
    await form(`/migrations/drafts/${id}/dry-run`, {}).expect(303);
    const validationId = (await getDraft(h.services, id)).validationId ?? '';
    for (let i = 0; i < 100 && (await getValidation(h.services.store, validationId)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
    const validated = await page(`/migrations/drafts/${id}/validate`).expect(200);
    assert.match(validated.text, /id="totals"/);
    await form(`/migrations/drafts/${id}/validate`, { nav: 'next' }).expect(303).expect('location', `/migrations/drafts/${id}/run`);

    const run = await page(`/migrations/drafts/${id}/run`).expect(200);
    assert.match(run.text, /6 rows valid, 0 invalid/);
    assert.doesNotMatch(run.text, /data-confirm=/, 'the Local org is not production: starting asks nothing');
    const started = await form(`/migrations/drafts/${id}/launch`, { name: 'Guided run', apiMode: 'collections', batchSize: '2' }).expect(303);
    const migrationId = /\/migrations\/(mig-[^/]+)$/.exec(started.headers.location)?.[1] ?? '';
    const done = await waitForState(h.services, migrationId, ['completed']);
    assert.deepEqual([done.name, done.options.batchSize, done.totals.succeeded], ['Guided run', 2, 6]);
    const cities = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.Name).startsWith('Flow ')).map((r) => r.BillingCity);
    assert.ok(cities.includes('town 3'), 'the trim step ran');
    await page(`/migrations/drafts/${id}/mapping`).expect(303).expect('location', `/migrations/${migrationId}`);
  });

  test('a column the transform adds under a field\'s name (a lookup into ParentId) is mapped by itself and listed on the mapping page', async () => {
    const created = await form('/migrations/drafts', { datasetId }).expect(303);
    const id = draftIdOf(created.headers.location);
    await form(`/migrations/drafts/${id}/target`, { connectionId: 'local', object: 'Account', operation: 'insert', nav: 'next' }).expect(303);
    const mapping = { ...accountMapping(), fields: [{ column: 'Account Name', field: 'Name' }] };
    await form(`/migrations/drafts/${id}/mapping`, { mapping: JSON.stringify(mapping), nav: 'next' }).expect(303);
    const lookup = [{ op: 'lookup', column: 'City', object: 'Account', field: 'Name', into: 'ParentId' }];
    await form(`/migrations/drafts/${id}/pipeline`, { pipeline: JSON.stringify(lookup), mapping: JSON.stringify(mapping), nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${id}/validate`);
    const draft = await getDraft(h.services, id);
    assert.deepEqual(draft.mapping?.fields, [{ column: 'Account Name', field: 'Name' }, { column: 'ParentId', field: 'ParentId' }]);
    const back = await page(`/migrations/drafts/${id}/mapping`).expect(200);
    assert.match(back.text, /<tr data-column="ParentId">[\s\S]*?<option value="ParentId" selected>[\s\S]*?data-score="1"/);
  });

  test('a saved template fills the draft; a finished dry run becomes a draft at the run step', async () => {
    const mapping = { object: 'Account', fields: [{ column: 'Account Name', field: 'Name' }] };
    await saveTemplate(h.services.store, TemplateInput.parse({ name: 'Flow tpl', object: 'Account', operation: 'insert', mapping }), 'test');
    const created = await form('/migrations/drafts', { datasetId, template: 'Flow tpl' }).expect(303);
    const draft = await getDraft(h.services, draftIdOf(created.headers.location));
    assert.deepEqual([draft.object, draft.mapping?.fields, draft.template], ['Account', mapping.fields, { name: 'Flow tpl', version: 1 }]);
    const fromDraft = await page(`/migrations/drafts/${draft._id}/mapping`).expect(200);
    assert.match(fromDraft.text, /<tr data-column="City">[\s\S]*?<option value="" selected>|<tr data-column="City">(?:(?!selected)[\s\S])*?<\/tr>/);
    // A Data Loader mapping file comes in, and goes out, through the draft.
    const sdl = '#Mapping values\nACCOUNT\\ NAME=Name\nCITY=BillingCity\nNope=Name\n';
    const imported = await request(app).post(`/api/v1/drafts/${draft._id}/sdl`).set(user.headers).send({ sdl }).expect(200);
    assert.deepEqual([imported.body.mapping.fields, imported.body.unknownColumns], [
      [{ column: 'Account Name', field: 'Name' }, { column: 'City', field: 'BillingCity' }], ['Nope'],
    ]);
    assert.deepEqual((await getDraft(h.services, draft._id)).mapping?.fields, imported.body.mapping.fields);
    const shown = await page(`/migrations/drafts/${draft._id}/mapping?sdl=2&unknown=Nope`).expect(200);
    assert.match(shown.text, /Imported 2 mappings from the .sdl file. Not found in this file or object: Nope./);
    const exported = await page(`/api/v1/drafts/${draft._id}/mapping.sdl`).expect(200);
    assert.match(exported.text, /^#Mapping values\n#.*\nAccount\\ Name=Name\nCity=BillingCity\n$/);

    // Back on the first step, another dataset can be chosen: the form saves, it does not start anything.
    const other = await makeDataset(h.services, ['Account Name'], [['Other']]);
    await form(`/migrations/drafts/${draft._id}/start`, { datasetId: other, nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${draft._id}/target`);
    assert.deepEqual([(await getDraft(h.services, draft._id)).datasetId, (await getDraft(h.services, draft._id)).migrationId], [other, undefined]);
    const listed = await page('/migrations/new').expect(200);
    assert.match(listed.text, new RegExp(`href="/migrations/drafts/${draft._id}"`), 'open drafts are offered again');
  });

  test('insert null values: blank cells clear fields on update; a connection carries the defaults', async () => {
    const seed = await makeDataset(h.services, ['Account Name', 'City'], [['Null A', 'Old'], ['Null B', 'Old'], ['Null C', 'Old']]);
    await runMigrationOf(seed, 'insert');
    const ids = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.Name).startsWith('Null ')).map((r) => String(r.Id));
    const updates = await makeDataset(h.services, ['Id', 'City'], [[ids[0] ?? '', ''], [ids[1] ?? '', 'New'], [ids[2] ?? '', '']]);
    const draft = await request(app).post('/api/v1/drafts').set(user.headers).send({ datasetId: updates }).expect(201);
    const mapping = { object: 'Account', fields: [{ column: 'Id', field: 'Id' }, { column: 'City', field: 'BillingCity' }] };
    await request(app).patch(draft.body.urls.self).set(user.headers).send({ object: 'Account', operation: 'update', mapping }).expect(200);
    const run = await page(`/migrations/drafts/${draft.body.id}/run`).expect(200);
    assert.match(run.text, /<input name="insertNulls" type="checkbox">/, 'the Local org does not insert nulls by default');
    const started = await form(`/migrations/drafts/${draft.body.id}/launch`, { insertNulls: 'on', apiMode: 'collections' }).expect(303);
    const migration = await waitForState(h.services, /(mig-[^/]+)$/.exec(started.headers.location)?.[1] ?? '', ['completed']);
    assert.deepEqual(migration.template.pipeline.at(-1), { op: 'fillNull', columns: ['Id', 'City'], value: '#N/A', blankAsNull: true });
    const cities = new Map((await emulatorRecords(h.emulator, 'Account')).map((r) => [String(r.Id), r.BillingCity ?? null]));
    assert.deepEqual(ids.map((id) => cities.get(id)), [null, 'New', null]);

    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({
      method: 'password', name: 'Berlin org', loginUrl: h.emulator.url, username: 'admin@local.org', password: 'password',
      clientId: 'dms-local', clientSecret: 'dms-local-secret', production: true,
    }).expect(201);
    await request(app).patch(`/api/v1/connections/${created.body.id}`).set(admin.headers).send({ timeZone: 'Mars/Olympus' }).expect(400);
    const changed = await request(app).patch(`/api/v1/connections/${created.body.id}`).set(admin.headers)
      .send({ production: false, timeZone: 'Europe/Berlin', dateOrder: 'DMY', insertNulls: true }).expect(200);
    assert.deepEqual([changed.body.production, changed.body.defaults], [false, { timeZone: 'Europe/Berlin', dateOrder: 'DMY', insertNulls: true }]);
    const onBerlin = await request(app).post('/api/v1/drafts').set(user.headers).send({ datasetId: updates }).expect(201);
    await request(app).patch(onBerlin.body.urls.self).set(user.headers).send({ connectionId: created.body.id, object: 'Account', mapping }).expect(200);
    assert.match((await page(`/migrations/drafts/${onBerlin.body.id}/run`).expect(200)).text, /<input name="insertNulls" type="checkbox" checked>/);
    const transform = await page(`/migrations/drafts/${onBerlin.body.id}/pipeline`).expect(200);
    assert.match(transform.text, /data-cast-defaults="\{&#34;order&#34;:&#34;DMY&#34;,&#34;timeZone&#34;:&#34;Europe\/Berlin&#34;\}"/);
  });

  test('upsert: the external id picked from describe on the target page; serial and all-or-none set on the run page', async () => {
    const rows = [['Key 1', 'Upsert A', 'One'], ['Key 2', 'Upsert B', 'Two']];
    const keyed = await makeDataset(h.services, ['Key', 'Account Name', 'City'], rows);
    const created = await form('/migrations/drafts', { datasetId: keyed }).expect(303);
    const id = draftIdOf(created.headers.location);
    await form(`/migrations/drafts/${id}/target`, { connectionId: 'local', object: 'Account', operation: 'upsert', nav: 'next' }).expect(303);
    const target = await page(`/migrations/drafts/${id}/target`).expect(200);
    assert.match(target.text, /<select name="externalIdField" id="target-external-id"[^>]*>[\s\S]*?<option value="External_Id__c">External Id \(External_Id__c\)<\/option>/,
      'the external id fields of Account are offered from its describe');
    await form(`/migrations/drafts/${id}/target`, { connectionId: 'local', object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', nav: 'next' })
      .expect(303).expect('location', `/migrations/drafts/${id}/mapping`);
    assert.equal((await getDraft(h.services, id)).externalIdField, 'External_Id__c');
    const mapping = { object: 'Account', fields: [{ column: 'Key', field: 'External_Id__c' }, { column: 'Account Name', field: 'Name' }, { column: 'City', field: 'BillingCity' }] };
    await request(app).patch(`/api/v1/drafts/${id}`).set(user.headers).send({ mapping, pipeline: [] }).expect(200);
    const run = await page(`/migrations/drafts/${id}/run`).expect(200);
    assert.match(run.text, /<input name="serial" type="checkbox">/);
    assert.match(run.text, /<input name="allOrNone" type="checkbox">/);
    const started = await form(`/migrations/drafts/${id}/launch`, { apiMode: 'collections', serial: 'on', allOrNone: 'on' }).expect(303);
    const done = await waitForState(h.services, /(mig-[^/]+)$/.exec(started.headers.location)?.[1] ?? '', ['completed']);
    assert.deepEqual([done.operation, done.externalIdField, done.options.serial, done.options.allOrNone, done.totals.succeeded], ['upsert', 'External_Id__c', true, true, 2]);
    const stored = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.Name).startsWith('Upsert '));
    assert.deepEqual(stored.map((r) => [r.External_Id__c, r.Name, r.BillingCity]).sort(), [['Key 1', 'Upsert A', 'One'], ['Key 2', 'Upsert B', 'Two']]);
  });
});
