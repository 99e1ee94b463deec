import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { connect, passwordToken, start, type Emulator } from '../salesforce-emulator/helpers.js';
import { SfCli } from './sf-cli.js';

type QueryResult = { totalSize: number; done: boolean; records: Record<string, unknown>[] };

describe('sf CLI: data query, record CRUD and sobject describe/list against the Local org', () => {
  const ACCOUNTS = 2100;
  let emulator: Emulator;
  let conn: jsforce.Connection;
  let cli: SfCli;
  const org = ['--target-org', 'local'];
  before(async () => {
    emulator = await start();
    conn = await connect(emulator);
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({ Name: `Query ${String(i).padStart(4, '0')}`, Industry: i % 3 ? 'Banking' : 'Energy' }));
    await conn.sobject('Account').create(accounts, { allowRecursive: true });
    const acme = await conn.sobject('Account').create({ Name: 'Acme', External_Id__c: 'ACME' });
    await conn.sobject('Contact').create([{ LastName: 'Smith', AccountId: acme.id }, { LastName: 'Jones', AccountId: acme.id }, { LastName: 'Solo' }]);
    cli = await SfCli.create();
    await cli.loginAccessToken(emulator.url, await passwordToken(emulator.url), 'local');
  });
  after(async () => {
    await emulator?.close();
    await cli?.close();
  });

  test('data query: more than 2,000 rows through nextRecordsUrl, relationship fields, subqueries, COUNT() and GROUP BY', async () => {
    const [all, contacts, count, grouped, children] = await Promise.all([
      cli.ok<QueryResult>(['data', 'query', ...org, '--query', "SELECT Id, Name FROM Account WHERE Name LIKE 'Query %'"]),
      cli.ok<QueryResult>(['data', 'query', ...org, '--query', 'SELECT LastName, Account.Name, Owner.Name FROM Contact ORDER BY LastName']),
      cli.ok<QueryResult>(['data', 'query', ...org, '--query', "SELECT COUNT() FROM Account WHERE Industry = 'Energy'"]),
      cli.ok<QueryResult>(['data', 'query', ...org, '--query', 'SELECT Industry, COUNT(Id) n FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST']),
      cli.ok<QueryResult>(['data', 'query', ...org, '--query', "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name = 'Acme'"]),
    ]);
    assert.equal(all.totalSize, ACCOUNTS);
    assert.equal(all.records.length, ACCOUNTS);
    assert.equal(new Set(all.records.map((r) => r.Id)).size, ACCOUNTS);
    assert.deepEqual(contacts.records.map((r) => [r.LastName, (r.Account as { Name: string } | null)?.Name ?? null]), [['Jones', 'Acme'], ['Smith', 'Acme'], ['Solo', null]]);
    assert.equal((contacts.records[0].Owner as { Name: string }).Name, 'Local Admin');
    assert.equal(count.totalSize, ACCOUNTS / 3);
    assert.deepEqual(grouped.records.map((r) => [r.Industry, r.n]), [['Banking', 1400], ['Energy', 700], [null, 1]]);
    assert.deepEqual((children.records[0].Contacts as QueryResult).records.map((c) => c.LastName), ['Jones', 'Smith']);
  });

  test('a SOQL error reaches the CLI with its code, exit code 1 and the row and column', async () => {
    const [wrongType, mixed] = await Promise.all([
      cli.run(['data', 'query', ...org, '--query', 'SELECT Id FROM Account WHERE Name = 1']),
      cli.run(['data', 'query', ...org, '--query', "SELECT Id FROM Account WHERE Name = 'a' AND Industry = 'b' OR Name = 'c'"]),
    ]);
    assert.equal(wrongType.exitCode, 1);
    assert.equal(wrongType.json.name, 'INVALID_FIELD');
    assert.match(String(wrongType.json.message), /ERROR at Row:1:Column:37\nvalue of filter criterion for field 'Name' must be of type string/);
    assert.equal(mixed.json.name, 'MALFORMED_QUERY');
    assert.match(String(mixed.json.message), /unexpected token: 'OR'/);
  });

  test('data create, update, get and delete record', async () => {
    const created = await cli.ok<{ id: string; success: boolean }>(['data', 'create', 'record', ...org, '--sobject', 'Account', '--values', "Name='CLI Record' Industry=Banking NumberOfEmployees=12"]);
    assert.match(created.id, /^001[0-9A-Za-z]{15}$/);
    await cli.ok(['data', 'update', 'record', ...org, '--sobject', 'Account', '--where', "Name='CLI Record'", '--values', 'Industry=Energy']);
    const [got, invalid] = await Promise.all([
      cli.ok<Record<string, unknown>>(['data', 'get', 'record', ...org, '--sobject', 'Account', '--record-id', created.id]),
      cli.run(['data', 'create', 'record', ...org, '--sobject', 'Contact', '--values', 'LastName=X Email=not-an-email']),
    ]);
    assert.deepEqual([got.Name, got.Industry, got.NumberOfEmployees], ['CLI Record', 'Energy', 12]);
    assert.equal(invalid.exitCode, 1);
    assert.match(String(invalid.json.message), /invalid email address/);
    await cli.ok(['data', 'delete', 'record', ...org, '--sobject', 'Account', '--record-id', created.id]);
    const gone = await cli.run(['data', 'get', 'record', ...org, '--sobject', 'Account', '--record-id', created.id]);
    assert.equal(gone.exitCode, 1);
    assert.equal(gone.json.name, 'ENTITY_IS_DELETED');
  });

  test('sobject describe and sobject list', async () => {
    const [described, listed] = await Promise.all([
      cli.ok<{ name: string; keyPrefix: string; fields: { name: string; externalId: boolean }[]; childRelationships: { relationshipName: string }[] }>(['sobject', 'describe', ...org, '--sobject', 'Account']),
      cli.ok<string[]>(['sobject', 'list', ...org, '--sobject', 'all']),
    ]);
    assert.deepEqual([described.name, described.keyPrefix], ['Account', '001']);
    assert.ok(described.fields.some((f) => f.name === 'External_Id__c' && f.externalId));
    assert.ok(described.childRelationships.some((c) => c.relationshipName === 'Contacts'));
    for (const name of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User', 'Organization']) assert.ok(listed.includes(name), name);
  });
});
