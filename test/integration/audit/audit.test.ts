import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { listAudit, recordAudit, AuditFilter } from '../../../src/audit/index.js';

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
    assert.equal(entry.action, 'migrations.pause');
    assert.deepEqual(entry.target, { type: 'migration', id: 'm-42' });
    assert.equal(entry.outcome, 'failed');
    assert.ok(Date.now() - Date.parse(entry.at) < 10_000);
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
    await recordAudit(services, { actor: 'erin', action: 'templates.create', target: { type: 'template', id: 't<script>' } });
    const page = await request(app).get('/admin/audit?targetType=template&actor=erin').set(admin.headers).expect(200);
    assert.match(page.text, /templates\.create/);
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
