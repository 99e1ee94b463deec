import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectServices, type Services } from '../../../src/services.js';
import { loadConfig } from '../../../src/config.js';
import { envFor } from '../../support/worker-process.js';
import { createSession, SESSION_COOKIE, updateUser } from '../../../src/auth/index.js';
import { listAudit, AuditFilter } from '../../../src/audit/index.js';
import { getMigration } from '../../../src/migrations/index.js';
import { startHarness, makeDataset, waitForState, emulatorRecords, accountMapping, type Harness } from './harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** A run against a production org waits for a second person with the approver right. */
describe('approval gate for production orgs', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let operator: TestUser;
  let approver: TestUser;
  let admin: TestUser;
  let production: string;
  const template = { mapping: accountMapping(), pipeline: [] };
  const named = async (tag: string) => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.Name).startsWith(tag)).length;
  const plans = () => h.services.producer.queue('migrations');

  /** A run created and started by `who` on the production org: it waits for approval. */
  async function awaiting(tag: string, rows = 3, who: TestUser = operator): Promise<string> {
    const datasetId = await makeDataset(h.services, ['name', 'city'], Array.from({ length: rows }, (_, i) => [`${tag} ${i}`, 'Gate City']));
    const body = { datasetId, connectionId: production, object: 'Account', operation: 'insert', template };
    const created = await request(app).post('/api/v1/migrations').set(who.headers).send(body).expect(201);
    const id = created.body.migration.id as string;
    const started = await request(app).post(`/api/v1/migrations/${id}/start`).set(who.headers).send({ confirm: true, confirmObject: 'Account' }).expect(200);
    assert.equal(started.body.migration.state, 'awaiting_approval');
    assert.deepEqual([started.body.migration.approval.action, started.body.migration.approval.requestedBy], ['start', who.username]);
    return id;
  }

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 9).toString('base64') } });
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    [operator, approver, admin] = [await signIn(h.services, 'operator'), await signIn(h.services, 'operator'), await signIn(h.services, 'admin')];
    await updateUser(h.services, approver.username, { approver: true });
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({
      method: 'password', name: 'Prod gate', loginUrl: h.emulator.url, username: 'admin@local.org', password: 'password',
      clientId: 'dms-local', clientSecret: 'dms-local-secret', production: true,
    }).expect(201);
    production = created.body.id as string;
  });
  after(async () => { await h.close(); });

  test('self-approval and approval without the right are refused at the server', async () => {
    await updateUser(h.services, operator.username, { approver: true });
    try {
      const id = await awaiting('SELF');
      const self = await request(app).post(`/api/v1/migrations/${id}/approve`).set(operator.headers).send({}).expect(403);
      assert.equal(self.body.error.code, 'APPROVAL_SELF');
      const plain = await signIn(h.services, 'operator');
      const noRight = await request(app).post(`/api/v1/migrations/${id}/approve`).set(plain.headers).send({}).expect(403);
      assert.equal(noRight.body.error.code, 'APPROVER_REQUIRED');
      assert.equal((await getMigration(h.services, id)).state, 'awaiting_approval');
      assert.equal(await named('SELF'), 0);
    } finally {
      await updateUser(h.services, operator.username, { approver: false });
    }
  });

  test('an approver who is not the creator approves, and the run writes into the org; both steps are audited', async () => {
    const id = await awaiting('OK', 4);
    const page = await request(app).get(`/migrations/${id}`).set('Cookie', approver.cookie).expect(200);
    assert.match(page.text, /id="approval-review"/);
    assert.match(page.text, /<td>name<\/td><td>Name<\/td>/);
    const creatorPage = await request(app).get(`/migrations/${id}`).set('Cookie', operator.cookie).expect(200);
    assert.doesNotMatch(creatorPage.text, /id="approve-form"/);
    const approved = await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
    assert.equal(approved.body.migration.approval.decidedBy, approver.username);
    assert.ok(Date.parse(approved.body.migration.approval.expiresAt) > Date.now() + 23 * 3_600_000);
    const done = await waitForState(h.services, id, ['completed', 'failed', 'awaiting_approval']);
    assert.equal(done.state, 'completed');
    assert.equal(await named('OK'), 4);
    const entries = (await listAudit(h.services, AuditFilter.parse({ targetId: id }))).entries.map((e) => [e.action, e.actor]);
    assert.deepEqual(entries.filter(([a]) => a === 'migration.approve' || a === 'migration.start').sort(), [
      ['migration.approve', approver.username], ['migration.start', operator.username],
    ]);
  });

  test('rejecting needs a reason and ends the run rejected, with nothing written', async () => {
    const id = await awaiting('NO');
    const bare = await request(app).post(`/api/v1/migrations/${id}/reject`).set(approver.headers).send({}).expect(400);
    assert.equal(bare.body.error.code, 'VALIDATION_FAILED');
    const rejected = await request(app).post(`/api/v1/migrations/${id}/reject`).set(approver.headers).send({ reason: 'Wrong file for production' }).expect(200);
    assert.equal(rejected.body.migration.state, 'rejected');
    assert.equal(rejected.body.migration.approval.reason, 'Wrong file for production');
    await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(409);
    assert.equal(await named('NO'), 0);
  });

  test('from the pages: an admin grants the approver right, who rejects with the form', async () => {
    const reviewer = await signIn(h.services, 'operator');
    await request(app).post(`/admin/users/${reviewer.username}`).set('Cookie', admin.cookie).type('form')
      .send({ _csrf: admin.csrf, role: 'operator', disabled: 'false', approver: 'true' }).expect(303);
    const users = await request(app).get('/api/v1/users').set(admin.headers).expect(200);
    assert.equal(users.body.users.find((u: { username: string }) => u.username === reviewer.username)?.approver, true);
    const id = await awaiting('FORM');
    const session = await createSession(h.services, { username: reviewer.username, role: 'operator' });
    const cookie = `${SESSION_COOKIE}=${session.id}`;
    const page = await request(app).get(`/migrations/${id}`).set('Cookie', cookie).expect(200);
    assert.match(page.text, /id="reject-form"/);
    const form = (reason: string) => request(app).post(`/migrations/${id}/reject`).set('Cookie', cookie).type('form').send({ _csrf: session.data.csrf, reason });
    await form('').set('accept', 'text/html').expect(400);
    await form('Not this week').expect(303);
    const rejected = await request(app).get(`/migrations/${id}`).set('Cookie', cookie).expect(200);
    assert.match(rejected.text, /Rejected by [^<]+:\s*<strong>Not this week<\/strong>/);
  });

  test('an approval that expired before the run started needs a new one', async () => {
    // A web process configured with a 2-second approval; the plan queue held until it lapses.
    const shortLived: Services = await connectServices(loadConfig({ ...envFor(h.services.config), LOG_LEVEL: 'silent', APPROVAL_TTL_HOURS: String(2 / 3600) }));
    try {
      const id = await awaiting('EXP');
      await plans().pause();
      await request(createApp(shortLived, { localOrgUrl: h.emulator.url })).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
      await new Promise((r) => setTimeout(r, 2100));
      await plans().resume();
      const voided = await waitForState(h.services, id, ['awaiting_approval']);
      assert.equal(voided.approval?.decision, 'void');
      assert.match(voided.history.at(-1)?.reason ?? '', /^APPROVAL_EXPIRED: The approval by .* expired/);
      assert.equal(await named('EXP'), 0);
      await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
      assert.equal((await waitForState(h.services, id, ['completed'])).totals.succeeded, 3);
    } finally {
      await plans().resume();
      await shortLived.close();
    }
  });

  test('a dataset changed after approval voids it', async () => {
    const id = await awaiting('CHG');
    const datasetId = (await getMigration(h.services, id)).datasetId;
    await plans().pause();
    try {
      await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
      const db = h.services.store.db<Record<string, unknown>>('datasets');
      const dataset = await db.get(datasetId);
      await db.insert({ ...dataset, name: 'swapped file', updatedAt: new Date(Date.now() + 1000).toISOString() });
    } finally {
      await plans().resume();
    }
    const voided = await waitForState(h.services, id, ['awaiting_approval', 'completed']);
    assert.equal(voided.state, 'awaiting_approval');
    assert.match(voided.history.at(-1)?.reason ?? '', /^APPROVAL_VOID: The dataset changed after/);
    assert.equal(await named('CHG'), 0);
    const audit = (await listAudit(h.services, AuditFilter.parse({ targetId: id, action: 'migration.approval-void' }))).entries;
    assert.deepEqual(audit.map((e) => [e.actor, e.details?.code]), [['system', 'APPROVAL_VOID']]);
  });

  test('a production roll back waits for approval too; rejecting it leaves the run completed', async () => {
    const id = await awaiting('RB', 2);
    await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
    await waitForState(h.services, id, ['completed']);
    const rollback = `/api/v1/migrations/${id}/rollback`;
    const asked = await request(app).post(rollback).set(admin.headers).send({ confirm: true, confirmObject: 'Account' }).expect(200);
    assert.deepEqual([asked.body.migration.state, asked.body.migration.approval.action], ['awaiting_approval', 'rollback']);
    await request(app).post(`/api/v1/migrations/${id}/reject`).set(approver.headers).send({ reason: 'Keep them' }).expect(200);
    assert.equal((await getMigration(h.services, id)).state, 'completed');
    assert.equal(await named('RB'), 2);
    await request(app).post(rollback).set(admin.headers).send({ confirm: true, confirmObject: 'Account' }).expect(200);
    await request(app).post(`/api/v1/migrations/${id}/approve`).set(approver.headers).send({}).expect(200);
    await waitForState(h.services, id, ['rolled_back']);
    assert.equal(await named('RB'), 0);
  });
});
