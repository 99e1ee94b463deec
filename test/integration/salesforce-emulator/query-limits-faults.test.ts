import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { api, connect, inspect, passwordToken, start, VERSION, type Emulator } from './helpers.js';

describe('emulator query, describe, limits and faults', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  let describeDir: string;
  before(async () => {
    describeDir = await mkdtemp(join(tmpdir(), 'emulator-describe-'));
    await writeFile(join(describeDir, 'project.json'), JSON.stringify({ status: 0, result: {
      name: 'Project__c', label: 'Project', labelPlural: 'Projects', custom: true,
      fields: [
        { name: 'Id', type: 'id', createable: false, updateable: false, nillable: false, defaultedOnCreate: true, idLookup: true },
        { name: 'Name', type: 'string', length: 80, nillable: false, label: 'Project Name' },
        { name: 'Account__c', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account__r', label: 'Account' },
        { name: 'Code__c', type: 'string', length: 10, externalId: true, unique: true, label: 'Code' },
      ],
    } }));
    emulator = await start({ restQueryPageSize: 10, dailyApiRequests: 1000, describeDir });
    conn = await connect(emulator);
    await conn.sobject('Account').create(Array.from({ length: 25 }, (_, i) => ({ Name: `Q ${String(i).padStart(2, '0')}`, NumberOfEmployees: i, External_Id__c: `Q${i}`, Industry: i % 2 ? 'Banking' : null })));
  });
  after(async () => {
    await emulator.close();
    await rm(describeDir, { recursive: true, force: true });
  });

  test('REST query pages with nextRecordsUrl and queryMore', async () => {
    const first = await conn.query("SELECT Id, Name FROM Account WHERE Name LIKE 'Q %' ORDER BY Name", { autoFetch: false });
    assert.equal(first.totalSize, 25);
    assert.equal(first.done, false);
    assert.match(first.nextRecordsUrl!, new RegExp(`/services/data/v${VERSION}/query/01g[0-9A-Za-z]+-10$`));
    const second = await conn.queryMore(first.nextRecordsUrl!);
    assert.equal(second.records[0].Name, 'Q 10');
    const all = await conn.query("SELECT Id FROM Account WHERE Name LIKE 'Q %'", { autoFetch: true, maxFetch: 100 });
    assert.equal(all.records.length, 25);
  });

  test('SOQL operators, NULL, IN, NOT, ORDER BY, LIMIT, COUNT() and errors', async () => {
    const q = async (soql: string) => (await conn.query(soql)).records.map((r) => r.Name);
    assert.deepEqual(await q("SELECT Name FROM Account WHERE NumberOfEmployees >= 22 AND Name != 'Q 23' ORDER BY NumberOfEmployees DESC"), ['Q 24', 'Q 22']);
    assert.deepEqual(await q("SELECT Name FROM Account WHERE External_Id__c IN ('Q1', 'q2') ORDER BY Name"), ['Q 01', 'Q 02']);
    assert.deepEqual(await q("SELECT Name FROM Account WHERE Industry = null AND NumberOfEmployees < 5 AND NOT Name = 'Q 00'"), ['Q 02', 'Q 04']);
    assert.deepEqual(await q("SELECT Name FROM Account WHERE Name LIKE 'q 1_' ORDER BY Name DESC LIMIT 2"), ['Q 19', 'Q 18']);
    assert.equal((await conn.query("SELECT COUNT() FROM Account WHERE Industry = 'Banking'")).totalSize, 12);
    await assert.rejects(async () => conn.query('SELECT Nope FROM Account'), (e: { errorCode: string }) => e.errorCode === 'INVALID_FIELD');
    await assert.rejects(async () => conn.query('SELECT Id FROM Nope'), (e: { errorCode: string }) => e.errorCode === 'INVALID_TYPE');
    await assert.rejects(async () => conn.query('SELECT Id FROM Account WHERE'), (e: { errorCode: string }) => e.errorCode === 'MALFORMED_QUERY');
  });

  test('describeGlobal, describe and custom objects from describe files', async () => {
    const global = await conn.describeGlobal();
    assert.equal(global.maxBatchSize, 200);
    const names = global.sobjects.map((s) => s.name);
    for (const name of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User', 'Project__c']) assert.ok(names.includes(name), name);
    const contact = await conn.describe('Contact');
    assert.equal(contact.keyPrefix, '003');
    const accountId = contact.fields.find((f) => f.name === 'AccountId')!;
    assert.deepEqual([accountId.type, accountId.relationshipName, accountId.referenceTo], ['reference', 'Account', ['Account']]);
    const ext = contact.fields.find((f) => f.name === 'External_Id__c')!;
    assert.ok(ext.externalId && ext.unique && ext.custom);
    const account = await conn.describe('Account');
    assert.ok(account.childRelationships.some((c) => c.childSObject === 'Contact' && c.field === 'AccountId'));
    const project = await conn.describe('Project__c');
    assert.equal(project.keyPrefix, 'a00');
    const created = await conn.sobject('Project__c').create({ Name: 'P1', Code__c: 'P-1', Account__r: { External_Id__c: 'Q3' } });
    assert.match(created.id!, /^a00/);
    const row = (await conn.query("SELECT Name, Account__r.Name FROM Project__c WHERE Code__c = 'P-1'")).records[0];
    assert.equal(row.Account__r.Name, 'Q 03');
  });

  test('limits, Sforce-Limit-Info and REQUEST_LIMIT_EXCEEDED', async () => {
    const limits = await conn.limits();
    assert.equal(limits.DailyApiRequests.Max, 1000);
    assert.ok(limits.DailyApiRequests.Remaining < 1000);
    assert.ok(limits.DailyBulkApiBatches.Max > 0);
    assert.equal(conn.limitInfo.apiUsage?.limit, 1000);
    await inspect(emulator, 'POST', '/api-usage', { used: 1000 });
    try {
      await assert.rejects(async () => conn.query('SELECT Id FROM Account'), (e: { errorCode: string; message: string }) =>
        e.errorCode === 'REQUEST_LIMIT_EXCEEDED' && e.message === 'TotalRequests Limit exceeded.');
    } finally {
      await inspect(emulator, 'POST', '/api-usage', { used: 0 });
    }
  });

  test('fault header: latency, 503 and lock errors on collections', async () => {
    const started = Date.now();
    const slow = await api(emulator, 'GET', '/limits', undefined, { 'X-Emulator-Fault': 'latency=150' });
    assert.equal(slow.status, 200);
    assert.ok(Date.now() - started >= 150);
    const unavailable = await api(emulator, 'GET', '/limits', undefined, { 'X-Emulator-Fault': 'status503=1' });
    assert.equal(unavailable.status, 503);
    const locked = await api(emulator, 'POST', '/composite/sobjects', { records: [{ attributes: { type: 'Lead' }, LastName: 'L', Company: 'C' }] }, { 'X-Emulator-Fault': 'lockRatio=1' });
    const items = (await locked.json()) as { errors: { statusCode: string }[] }[];
    assert.equal(items[0].errors[0].statusCode, 'UNABLE_TO_LOCK_ROW');
    const bad = await api(emulator, 'GET', '/limits', undefined, { 'X-Emulator-Fault': 'bogus=1' });
    assert.equal(bad.status, 400);
  });

  test('runtime faults: the next 503 is retried by jsforce on GET', async () => {
    await inspect(emulator, 'POST', '/faults', { status503Next: 1 });
    const started = Date.now();
    const described = await conn.describe('Lead');
    assert.equal(described.name, 'Lead');
    assert.ok(Date.now() - started >= 400, 'jsforce waited before retrying');
    assert.equal(((await inspect(emulator, 'GET', '/faults')) as { status503Next: number }).status503Next, 0);
  });

  test('inspection lists records, counts and resets', async () => {
    const listing = (await inspect(emulator, 'GET', '/objects/Account/records?limit=2')) as { totalSize: number; records: unknown[] };
    assert.ok(listing.totalSize >= 25);
    assert.equal(listing.records.length, 2);
    await inspect(emulator, 'POST', '/reset');
    const counts = (await inspect(emulator, 'GET', '/counts')) as Record<string, number>;
    assert.equal(counts.Account, 0);
    assert.equal(counts.User, 1);
    const token = await passwordToken(emulator.url);
    assert.ok(token.startsWith('00D'));
  });
});

test('a query cursor not used for the cursor timeout is closed: its nextRecordsUrl answers INVALID_QUERY_LOCATOR', async () => {
  const emulator = await start({ restQueryPageSize: 2, queryCursorTimeoutMs: 300 });
  try {
    const conn = await connect(emulator);
    await conn.sobject('Account').create(Array.from({ length: 5 }, (_, i) => ({ Name: `Cursor ${i}` })));
    const first = await conn.query('SELECT Name FROM Account', { autoFetch: false });
    const second = await conn.queryMore(first.nextRecordsUrl!);
    assert.deepEqual(second.records.map((r) => r.Name), ['Cursor 2', 'Cursor 3']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const locator = new URL(second.nextRecordsUrl!, emulator.url).pathname.replace(`/services/data/v${VERSION}`, '');
    const res = await api(emulator, 'GET', locator);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { errorCode: string }[])[0].errorCode, 'INVALID_QUERY_LOCATOR');
  } finally {
    await emulator.close();
  }
});
