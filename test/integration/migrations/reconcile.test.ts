import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { migrationJobId } from '../../../src/queue/jobs/migrations.js';
import { findReconciliation, type ReconciliationDoc } from '../../../src/reconciliation/index.js';
import type { Services } from '../../../src/services.js';
import { startHarness, makeDataset, runMigration, emulatorRecords, type Harness } from './harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

const ADMIN = { username: 'admin@local.org', password: 'password', securityToken: '', firstName: 'Local', lastName: 'Admin', email: 'admin@local.org' };
/** The second writer: another user of the org, as a trigger's integration or a colleague would be. */
const OTHER = { ...ADMIN, username: 'other@local.org', firstName: 'Other', lastName: 'Writer', email: 'other@local.org' };

async function waitForReconciliation(services: Services, id: string, after = ''): Promise<ReconciliationDoc> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const doc = await findReconciliation(services, id);
    if (doc && (doc.state === 'done' || doc.state === 'failed') && doc.requestedAt > after) return doc;
    if (Date.now() > deadline) throw new Error(`reconciliation of ${id} is ${doc?.state ?? 'absent'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A second writer logged in as another user (password grant against the Local org). */
async function otherWriter(url: string): Promise<jsforce.Connection> {
  const token = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: OTHER.username, password: OTHER.password }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  return new jsforce.Connection({ instanceUrl: url, accessToken: token.access_token, version: '62.0' });
}

/** Post-load reconciliation: what the org holds against what DMS sent, with the org's normalisations understood. */
describe('reconciliation', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let user: TestUser;
  let id: string;
  let first: ReconciliationDoc;
  const ids = new Map<string, string>();
  const mapping = {
    object: 'Account',
    fields: [
      { column: 'name', field: 'Name' }, { column: 'phone', field: 'Phone' }, { column: 'discount', field: 'Discount__c' },
      { column: 'active', field: 'Active__c' }, { column: 'sync', field: 'Last_Sync__c' }, { column: 'rating', field: 'Rating' },
    ],
  };

  before(async () => {
    h = await startHarness({ emulator: { users: [ADMIN, OTHER] } });
    app = createApp(h.services);
    user = await signIn(h.services, 'operator');
    // Values the org stores in another form: 1.50 as 1.5, TRUE as true, +02:00 as UTC.
    const rows = Array.from({ length: 8 }, (_, i) => [`Reconciled ${i + 1}`, `(555) 010-000${i + 1}`, '1.50', 'TRUE', '2024-03-20T10:00:00+02:00', 'Hot']);
    const datasetId = await makeDataset(h.services, ['name', 'phone', 'discount', 'active', 'sync', 'rating'], rows);
    id = (await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping } }))._id;
    first = await waitForReconciliation(h.services, id);
    for (const r of await emulatorRecords(h.emulator, 'Account')) ids.set(String(r.Name), String(r.Id));
  });
  after(async () => { await h.close(); });

  test('after a run, every record matches, the org\'s normalisations counted as matching', () => {
    assert.equal(first.state, 'done');
    assert.equal(first.requestedBy, 'system');
    assert.deepEqual(first.counts, { written: 8, matched: 8, differing: 0, missing: 0, changedSince: 0 });
    assert.deepEqual(first.differences, []);
    const normalised = first.normalisations.map((n) => `${n.field} ${n.kind} ${n.count}`).sort();
    assert.deepEqual(normalised, ['Active__c checkbox-text 8', 'Discount__c number-scale 8', 'Last_Sync__c time-zone 8']);
    const example = first.normalisations.find((n) => n.field === 'Last_Sync__c')?.examples[0];
    assert.equal(example?.sent, '2024-03-20T10:00:00+02:00');
    assert.equal(example?.stored, '2024-03-20T08:00:00.000+0000');
  });

  test('finds a value changed behind DMS\'s back, a deleted record, and records others changed during or after the run', async () => {
    const other = await otherWriter(h.emulator.url);
    await other.sobject('Account').update([{ Id: ids.get('Reconciled 1')!, Name: 'Renamed 1' }, { Id: ids.get('Reconciled 2')!, Rating: 'Cold' }]);
    await other.sobject('Account').destroy(ids.get('Reconciled 3')!);
    // A before-save trigger inside DMS's own write: the value changes, the modstamp and the last modifier do not.
    const silent = await fetch(`${h.emulator.url}/__emulator/objects/Account/records/${ids.get('Reconciled 4')}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Phone: '555-0199' }),
    });
    assert.equal(silent.status, 200);
    // Another user's change while the run was still writing (before its batch finished): only LastModifiedById tells.
    const otherId = (await emulatorRecords(h.emulator, 'User')).find((u) => u.Username === OTHER.username)?.Id;
    const during = await fetch(`${h.emulator.url}/__emulator/objects/Account/records/${ids.get('Reconciled 6')}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Name: 'Touched 6', LastModifiedById: otherId }),
    });
    assert.equal(during.status, 200);

    const asked = await request(app).post(`/api/v1/migrations/${id}/reconcile`).set(user.headers).expect(202);
    assert.equal(asked.body.state, 'queued');
    assert.equal(asked.body.requestedBy, user.username);
    const again = await waitForReconciliation(h.services, id, first.requestedAt);
    assert.equal(again.state, 'done');
    assert.deepEqual(again.counts, { written: 8, matched: 3, differing: 1, missing: 1, changedSince: 3 });
    assert.equal(again.differences.length, 1);
    const [phone] = again.differences;
    assert.deepEqual({ field: phone?.field, kind: phone?.kind, count: phone?.count }, { field: 'Phone', kind: 'differs', count: 1 });
    assert.deepEqual(phone?.examples, [{ row: 4, id: ids.get('Reconciled 4'), sent: '(555) 010-0004', stored: '555-0199' }]);

    const csv = await request(app).get(`/api/v1/migrations/${id}/reconciliation/differences.csv`).set(user.headers).expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'Row,Id,Outcome,Field,Kind,Sent,Stored,LastModifiedDate,LastModifiedById');
    const summary = lines.slice(1).map((l) => l.split(',').slice(0, 7).join(',')).sort();
    assert.deepEqual(summary, [
      `1,${ids.get('Reconciled 1')},changedSince,Name,differs,Reconciled 1,Renamed 1`,
      `2,${ids.get('Reconciled 2')},changedSince,Rating,differs,Hot,Cold`,
      `3,${ids.get('Reconciled 3')},missing,,,,`,
      `4,${ids.get('Reconciled 4')},differing,Phone,differs,(555) 010-0004,555-0199`,
      `6,${ids.get('Reconciled 6')},changedSince,Name,differs,Reconciled 6,Touched 6`,
    ]);

    const page = await request(app).get(`/migrations/${id}`).set(user.headers).expect(200);
    assert.match(page.text, /id="reconciliation"/);
    assert.match(page.text, /data-count="differing">1</);
    assert.match(page.text, /data-count="changedSince">3</);
    assert.match(page.text, /Reconcile again/);
  });

  test('a run with reconciliation turned off is not reconciled, and a delete cannot be', async () => {
    const datasetId = await makeDataset(h.services, ['name'], [['Unchecked']]);
    const off = await runMigration(h.services, {
      datasetId, object: 'Account', operation: 'insert', template: { mapping: { object: 'Account', fields: [{ column: 'name', field: 'Name' }] } },
      options: { reconcile: false },
    });
    const job = await h.services.producer.queue('migrations').getJob(migrationJobId.finalize(off._id));
    for (let i = 0; i < 100 && (await job?.getState()) !== 'completed'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await job?.getState(), 'completed');
    assert.equal(await findReconciliation(h.services, off._id), undefined);
    await request(app).get(`/api/v1/migrations/${off._id}/reconciliation`).set(user.headers).expect(404);

    const idsDataset = await makeDataset(h.services, ['id'], [[ids.get('Reconciled 5')!]]);
    const deleted = await runMigration(h.services, {
      datasetId: idsDataset, object: 'Account', operation: 'delete', template: { mapping: { object: 'Account', fields: [{ column: 'id', field: 'Id' }] } },
    });
    assert.equal(deleted.state, 'completed');
    const refused = await request(app).post(`/api/v1/migrations/${deleted._id}/reconcile`).set(user.headers).expect(409);
    assert.equal(refused.body.error?.code ?? refused.body.code, 'RECONCILIATION_NOT_APPLICABLE');
  });
});
