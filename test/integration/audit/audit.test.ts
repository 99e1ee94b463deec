import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { listAudit, recordAudit, AuditFilter } from '../../../src/audit/index.js';
import { writeDataset } from '../preflight/support.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met within 2.5 s');
}

describe('audit log', () => {
  let services: TestServices;
  let operator: TestUser;
  let admin: TestUser;
  before(async () => {
    services = await connectTestServices();
    [operator, admin] = await Promise.all([signIn(services, 'operator'), signIn(services, 'admin')]);
  });
  after(() => services.cleanup());

  test('state changes are recorded with who, what, which target and when', async () => {
    const app = createApp(services);
    await request(app).post('/api/v1/migrations/m-42/pause').set(operator.headers).send({}).expect(404);
    const entry = await eventually(async () => (await listAudit(services, AuditFilter.parse({ actor: operator.username }))).entries[0]);
    assert.equal(entry.action, 'migration.pause');
    assert.deepEqual(entry.target, { type: 'migration', id: 'm-42' });
    assert.equal(entry.outcome, 'failed');
    assert.deepEqual(entry.details, { status: 404, error: 'NOT_FOUND' });
    assert.ok(Date.now() - Date.parse(entry.at) < 10_000);
  });

  test('an entry names its target and what changed; a refusal keeps its code; previews and drafts leave none', async () => {
    const app = createApp(services);
    const user = await signIn(services, 'operator');
    const datasetId = await writeDataset(services, ['Name'], [['Acme']]);
    await request(app).post('/api/v1/preview').set(user.headers).send({ datasetId, pipeline: [{ op: 'trim', columns: ['Name'] }] }).expect(200);
    const draft = await request(app).post('/api/v1/drafts').set(user.headers).send({ datasetId }).expect(201);
    await request(app).patch(draft.body.urls.self).set(user.headers).send({ pipeline: [{ op: 'trim' }] }).expect(200);
    const mapping = { object: 'Account', fields: [{ column: 'Name', field: 'Name' }] };
    await request(app).post('/api/v1/templates').set(user.headers).send({ name: 'Audited', object: 'Account', operation: 'insert', mapping }).expect(201);
    await request(app).delete('/api/v1/templates/Audited').set(user.headers).send({}).expect(400);
    const entries = await eventually(async () => {
      const page = await listAudit(services, AuditFilter.parse({ actor: user.username }));
      return page.entries.length >= 2 ? page.entries : undefined;
    });
    await new Promise((r) => setTimeout(r, 200));
    const all = (await listAudit(services, AuditFilter.parse({ actor: user.username }))).entries;
    assert.deepEqual(all.map((e) => [e.action, e.target, e.outcome, e.details]), [
      ['template.delete', { type: 'template', id: 'Audited' }, 'failed', { versions: 1, status: 400, error: 'CONFIRMATION_REQUIRED' }],
      ['template.save', { type: 'template', id: 'Audited' }, 'ok', { version: 1, object: 'Account', operation: 'insert' }],
    ]);
    assert.equal(entries.length, 2);
  });

  test('entries carry an uploaded file\'s SHA-256 and cannot be changed or deleted', async () => {
    const sha256 = 'a'.repeat(64);
    const doc = await recordAudit(services, { actor: 'dora', action: 'datasets.upload', target: { type: 'dataset', id: 'd1' }, sha256 });
    const db = services.store.db<Record<string, unknown>>('audit');
    const stored = await db.get(doc._id);
    assert.equal(stored.sha256, sha256);
    await assert.rejects(db.insert({ ...stored, actor: 'mallory' }), (e: { statusCode?: number }) => e.statusCode === 403);
    await assert.rejects(db.destroy(doc._id, String(stored._rev)), (e: { statusCode?: number }) => e.statusCode === 403);
    assert.equal((await db.get(doc._id)).actor, 'dora');
  });

  test('admins filter the log in the viewer; sign-ins are recorded', async () => {
    const app = createApp(services);
    await recordAudit(services, { actor: 'erin', action: 'template.save', target: { type: 'template', id: 't<script>' }, details: { version: 3 } });
    const page = await request(app).get('/admin/audit?targetType=template&actor=erin').set(admin.headers).expect(200);
    assert.match(page.text, /Saved a template version <code class="muted">template\.save<\/code>/);
    assert.match(page.text, /<a href="\/templates\/t%3Cscript%3E"><code>t&lt;script&gt;<\/code><\/a>/);
    assert.match(page.text, /version: <strong>3<\/strong>/);
    assert.match(page.text, /t&lt;script&gt;/);
    assert.doesNotMatch(page.text, /datasets\.upload/);
    const agent = request.agent(app);
    const form = await agent.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    await agent.post('/login').type('form').send({ _csrf: csrf, username: operator.username, password: operator.password }).expect(303);
    const login = await eventually(async () => (await listAudit(services, AuditFilter.parse({ action: 'session.login' }))).entries[0]);
    assert.equal(login.actor, operator.username);
    assert.equal(login.outcome, 'ok');
    const api = await request(app).get('/api/v1/audit?limit=1').set(admin.headers).expect(200);
    assert.equal(api.body.entries.length, 1);
    assert.ok(api.body.next);
  });
});
