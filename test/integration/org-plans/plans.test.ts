import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { getMigration } from '../../../src/migrations/index.js';
import { assertMatchesContract } from '../../support/contract.js';
import {
  assertLookups, load, queryAll, runSettled, seedSource, startTwoOrgs, targetCounts, type RunBody, type TwoOrgs,
} from './support.js';

/** 1,000 in CI; PLAN_ACCOUNTS=10000 for the size. */
const ACCOUNTS = Number(process.env.PLAN_ACCOUNTS ?? 1000);
const TARGET_OWN = 7;
/** How long a run may take: about 10 s per 1,000 accounts on a quiet machine; room for a shared one. */
const RUN_MS = Math.max(120_000, ACCOUNTS * 60);


describe('org-to-org plans between two Local orgs', () => {
  let h: TwoOrgs;
  let planId: string;
  let firstRun: RunBody;

  const call = async (method: 'get' | 'post' | 'put', url: string, body?: object) => {
    const res = await request(h.app)[method](url).set(h.user.headers).send(body);
    assertMatchesContract(method, url, res.status, res.body, String(res.headers['content-type'] ?? ''));
    return res;
  };
  before(async () => {
    h = await startTwoOrgs();
    // The target has records of its own first, so its Ids differ from the source's for the same records.
    const own = Array.from({ length: TARGET_OWN }, (_, i) => [`T-${i}`, `Target own ${i}`]);
    await load(h.target.conn, 'Account', 'insert', ['External_Id__c', 'Name'], own);
    await seedSource(h, ACCOUNTS);
  });
  after(async () => h.close());

  it('refuses a plan whose filter or object the orgs do not have, before saving anything', async () => {
    const base = { name: 'Bad', sourceConnectionId: 'local', targetConnectionId: h.targetConnectionId };
    const badWhere = await call('post', '/api/v1/plans', { ...base, objects: [{ object: 'Account', fields: ['Name'], where: 'Nope__c = 1' }] });
    assert.equal(badWhere.status, 400);
    assert.match(badWhere.body.error.message, /Nope__c/);
    const badObject = await call('post', '/api/v1/plans', { ...base, objects: [{ object: 'Widget__c' }] });
    assert.equal(badObject.status, 400);
    assert.equal(badObject.body.error.code, 'PLAN_OBJECT_MISSING');
    assert.deepEqual((await call('get', '/api/v1/plans')).body.plans, []);
  });

  it('saves a versioned plan, objects in any order', async () => {
    const objects = [
      { object: 'Opportunity', fields: ['Name', 'StageName', 'CloseDate', 'AccountId'], operation: 'upsert', externalIdField: 'External_Id__c' },
      { object: 'Contact', fields: ['LastName', 'AccountId'], operation: 'upsert', externalIdField: 'External_Id__c' },
      { object: 'Account', fields: ['Name', 'AccountNumber', 'ParentId'], operation: 'upsert', externalIdField: 'External_Id__c' },
    ];
    const input = { name: 'Sandbox seed', sourceConnectionId: 'local', targetConnectionId: h.targetConnectionId, objects };
    const created = await call('post', '/api/v1/plans', input);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    planId = created.body.id;
    assert.equal(created.body.version, 1);
    const updated = await call('put', `/api/v1/plans/${planId}`, { ...input, description: 'Accounts with their contacts and deals' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.version, 2);
    const read = await call('get', `/api/v1/plans/${planId}`);
    assert.equal(read.body.description, 'Accounts with their contacts and deals');
  });

  it('copies every record parents first, with every lookup pointing to the right target record', async () => {
    const started = await call('post', `/api/v1/plans/${planId}/runs`, {});
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const steps = started.body.steps.map((s: { object: string; pass: string }) => `${s.pass} ${s.object}`);
    // Parents first; objects that do not depend on each other keep the plan's order.
    assert.deepEqual(steps, ['load Account', 'load Opportunity', 'load Contact', 'lookups Account']);
    firstRun = await runSettled(h, planId, started.body.id, RUN_MS);
    assert.equal(firstRun.state, 'completed', JSON.stringify(firstRun));
    assertMatchesContract('get', `/api/v1/plans/${planId}/runs/${firstRun.id}`, 200, firstRun);
    const deals = Math.ceil(ACCOUNTS / 2);
    assert.deepEqual(firstRun.steps.map((s) => s.totals?.succeeded), [ACCOUNTS, deals, ACCOUNTS, ACCOUNTS - Math.ceil(ACCOUNTS / 10)]);
    assert.ok(firstRun.steps.every((s) => s.totals?.failed === 0 && s.unmapped.length === 0));
    assert.deepEqual(await targetCounts(h), { accounts: ACCOUNTS + TARGET_OWN, contacts: ACCOUNTS, opportunities: deals });

    await assertLookups(h, ACCOUNTS);
    // Each object's migration has its own live page and result files.
    const [account] = firstRun.steps;
    assert.equal(account.urls?.page, `/migrations/${account.migrationId}`);
    const page = await h.get(`/plans/${planId}/runs/${firstRun.id}`).set('Accept', 'text/html').expect(200);
    assert.match(page.text, new RegExp(`href="/migrations/${account.migrationId}"`));
  });

  it('a second run updates the same records instead of duplicating them', async () => {
    const before = await queryAll<{ Id: string }>(h.target.conn, 'SELECT Id FROM Contact');
    const started = await call('post', `/api/v1/plans/${planId}/runs`, {});
    const run = await runSettled(h, planId, started.body.id, RUN_MS);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    assert.deepEqual(await targetCounts(h), { accounts: ACCOUNTS + TARGET_OWN, contacts: ACCOUNTS, opportunities: Math.ceil(ACCOUNTS / 2) });
    const after = await queryAll<{ Id: string }>(h.target.conn, 'SELECT Id FROM Contact');
    assert.deepEqual(new Set(after.map((c) => c.Id)), new Set(before.map((c) => c.Id)));
    const contactLoad = await getMigration(h.services, run.steps[2].migrationId as string);
    assert.equal(contactLoad.totals.created, 0);
    assert.equal(contactLoad.totals.succeeded, ACCOUNTS);
  });

  it('a dry run validates every object and writes nothing', async () => {
    const counts = await targetCounts(h);
    const started = await call('post', `/api/v1/plans/${planId}/runs`, { dryRun: true });
    const run = await runSettled(h, planId, started.body.id, RUN_MS);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    assert.deepEqual(run.steps.map((s) => s.status), ['done', 'done', 'done', 'skipped']);
    assert.deepEqual(run.steps.slice(0, 3).map((s) => s.invalid), [0, 0, 0]);
    assert.ok(run.steps.every((s) => s.migrationId === undefined));
    assert.deepEqual(await targetCounts(h), counts);
    const refused = await call('post', `/api/v1/plans/${planId}/runs/${run.id}/rollback`);
    assert.equal(refused.status, 409);
  });

  it('rolls a run back object by object, last first', async () => {
    const res = await call('post', `/api/v1/plans/${planId}/runs/${firstRun.id}/rollback`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await runSettled(h, planId, firstRun.id, RUN_MS);
    assert.equal(run.state, 'rolled_back', JSON.stringify(run));
    assert.deepEqual(await targetCounts(h), { accounts: TARGET_OWN, contacts: 0, opportunities: 0 });
    const rolledBackAt = await Promise.all(run.steps.map(async (s) => {
      const doc = await getMigration(h.services, s.migrationId as string);
      assert.equal(doc.state, 'rolled_back');
      return doc.history.find((e) => e.state === 'rolled_back')?.at ?? '';
    }));
    // Steps: load Account, Opportunity, Contact, then Account's lookups: rolled back in the opposite order.
    assert.deepEqual([...rolledBackAt].sort().reverse(), rolledBackAt);
  });

  it('gives records the target user of their owner\'s user name, or the default owner', async () => {
    const user = (username: string) => ({
      Username: username, LastName: username.split('@')[0], Email: username, Alias: username.slice(0, 8), TimeZoneSidKey: 'GMT',
      LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US',
    });
    const make = async (conn: TwoOrgs['source']['conn'], username: string) => {
      // A user needs a profile: the admin's (the Local org has no Profile object to query).
      const [admin] = await queryAll<{ ProfileId: string }>(conn, "SELECT ProfileId FROM User WHERE Username = 'admin@local.org'");
      const created = await conn.sobject('User').create({ ...user(username), ProfileId: admin.ProfileId });
      assert.ok(created.success);
      return created.id;
    };
    const [rep, gone] = [await make(h.source.conn, 'rep@example.com'), await make(h.source.conn, 'gone@example.com')];
    await make(h.target.conn, 'fallback@example.com');
    await make(h.target.conn, 'rep@example.com');
    const sourceAccounts = await queryAll<{ Id: string; External_Id__c: string }>(h.source.conn, "SELECT Id, External_Id__c FROM Account WHERE External_Id__c IN ('A-1', 'A-2', 'A-3')");
    const idOf = new Map(sourceAccounts.map((a) => [a.External_Id__c, a.Id]));
    await h.source.conn.sobject('Account').update([{ Id: idOf.get('A-1') as string, OwnerId: rep }, { Id: idOf.get('A-2') as string, OwnerId: gone }]);
    const object = { object: 'Account', fields: ['Name', 'External_Id__c'], where: "External_Id__c IN ('A-1', 'A-2', 'A-3')", ownerByUsername: true };
    const input = { name: 'Owners', sourceConnectionId: 'local', targetConnectionId: h.targetConnectionId };
    const unknown = await call('post', '/api/v1/plans', { ...input, objects: [{ ...object, defaultOwner: 'nobody@example.com' }] });
    assert.equal(unknown.body.error.code, 'PLAN_OWNER_MISSING');
    const plan = await call('post', '/api/v1/plans', { ...input, objects: [{ ...object, defaultOwner: 'fallback@example.com' }] });
    const started = await call('post', `/api/v1/plans/${plan.body.id}/runs`, {});
    const run = await runSettled(h, plan.body.id, started.body.id);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    const copied = await queryAll<{ External_Id__c: string; Owner: { Username: string } }>(h.target.conn, "SELECT External_Id__c, Owner.Username FROM Account WHERE External_Id__c LIKE 'A-%'");
    const owners = Object.fromEntries(copied.map((a) => [a.External_Id__c, a.Owner.Username]));
    assert.deepEqual(owners, { 'A-1': 'rep@example.com', 'A-2': 'fallback@example.com', 'A-3': 'admin@local.org' });
  });

  it('lists, creates (form) and shows plans in the pages', async () => {
    const list = await h.get('/plans').set('Accept', 'text/html').expect(200);
    assert.match(list.text, /Sandbox seed/);
    await h.get('/plans/new').set('Accept', 'text/html').expect(200);
    const form = {
      _csrf: h.user.csrf, name: 'From the form', sourceConnectionId: 'local', targetConnectionId: h.targetConnectionId,
      objectName: ['Contact', 'Account', ''], objectFields: ['LastName, AccountId', 'Name', ''], objectWhere: ["LastName LIKE 'Smith 1%'", '', ''],
      objectOperation: ['insert', 'insert', 'insert'], objectExternalId: ['', '', ''],
      objectOwners: ['', 'username', ''], objectDefaultOwner: ['', 'fallback@example.com', ''],
    };
    const saved = await h.post('/plans').type('form').send(form).expect(303);
    const shown = await h.get(saved.headers.location as string).set('Accept', 'text/html').expect(200);
    assert.match(shown.text, /From the form/);
    assert.match(shown.text, /LastName LIKE &#39;Smith 1%&#39;/);
    assert.match(shown.text, /by user name \(User\.Username\); Default owner \(user name\): fallback@example\.com/);
    const refused = await h.post('/plans').type('form').send({ ...form, objectWhere: ['Missing__c = 1', '', ''] }).expect(400);
    assert.match(refused.text, /Missing__c/);
  });
});
