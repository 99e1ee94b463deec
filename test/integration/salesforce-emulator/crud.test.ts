import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { api, connect, start, type Emulator } from './helpers.js';

type Result = { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[]; created?: boolean };

describe('emulator single records and collections', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  before(async () => {
    emulator = await start();
    conn = await connect(emulator);
  });
  after(() => emulator.close());

  test('create, retrieve, update, upsert, destroy one record', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Acme', External_Id__c: 'ACME-1', AnnualRevenue: 1200.5 });
    assert.equal(created.success, true);
    assert.match(created.id!, /^001[0-9A-Za-z]{15}$/);
    const updated = await conn.sobject('Account').update({ Id: created.id!, Industry: 'Banking' });
    assert.deepEqual(updated, { id: created.id, success: true, errors: [] });
    const record = await conn.sobject('Account').retrieve(created.id!.slice(0, 15));
    assert.equal(record.Industry, 'Banking');
    assert.equal(record.Name, 'Acme');
    const upserted = await conn.sobject('Account').upsert({ External_Id__c: 'ACME-1', Phone: '555' }, 'External_Id__c') as Result;
    assert.equal(upserted.success, true);
    assert.equal(upserted.created, false);
    const inserted = await conn.sobject('Account').upsert({ External_Id__c: 'ACME-2', Name: 'Acme 2' }, 'External_Id__c') as Result;
    assert.equal(inserted.created, true);
    assert.deepEqual(await conn.sobject('Account').destroy(created.id!), { id: created.id, success: true, errors: [] });
    await assert.rejects(conn.sobject('Account').retrieve(created.id!), (e: { errorCode: string }) => e.errorCode === 'ENTITY_IS_DELETED');
    await assert.rejects(conn.sobject('Account').update({ Id: created.id!, Name: 'x' }), (e: { errorCode: string }) => e.errorCode === 'ENTITY_IS_DELETED');
  });

  test('single-record errors', async () => {
    const error = (p: Promise<unknown>, code: string, message?: RegExp) =>
      assert.rejects(p, (e: { errorCode: string; message: string }) => e.errorCode === code && (!message || message.test(e.message)));
    await error(conn.sobject('Contact').create({ FirstName: 'No last name' }), 'REQUIRED_FIELD_MISSING', /Required fields are missing: \[LastName\]/);
    await error(conn.sobject('Contact').create({ LastName: 'x', Email: 'bad' }), 'INVALID_EMAIL_ADDRESS', /Email: invalid email address: bad/);
    await error(conn.sobject('Contact').create({ LastName: 'x'.repeat(81) }), 'STRING_TOO_LONG', /max length=80/);
    await error(conn.sobject('Contact').create({ LastName: 'x', Nope__c: 1 }), 'INVALID_FIELD', /No such column 'Nope__c'/);
    await error(conn.sobject('Contact').create({ LastName: 'x', CreatedDate: '2020-01-01T00:00:00Z' }), 'INVALID_FIELD_FOR_INSERT_UPDATE');
    await error(conn.sobject('Contact').create({ LastName: 'x', Birthdate: '2020-13-01' }), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    await error(conn.sobject('Contact').create({ LastName: 'x', DoNotCall: 'maybe' }), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    await error(conn.sobject('Account').create({ Name: 'x', NumberofLocations__c: 1000 }), 'NUMBER_OUTSIDE_VALID_RANGE');
    await error(conn.sobject('Contact').create({ LastName: 'x', Level__c: 'Quaternary' }), 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', /bad value for restricted picklist field: Quaternary/);
    await error(conn.sobject('Contact').create({ LastName: 'x', AccountId: '001bad' }), 'MALFORMED_ID', /Account ID: id value of incorrect type: 001bad/);
    await error(conn.sobject('Contact').create({ LastName: 'x', AccountId: '00300000003T2PG' }), 'MALFORMED_ID');
    await error(conn.sobject('Contact').create({ LastName: 'x', AccountId: '001000000000009' }), 'INVALID_CROSS_REFERENCE_KEY');
    await conn.sobject('Account').create({ Name: 'Dup', External_Id__c: 'DUP' });
    await error(conn.sobject('Account').create({ Name: 'Dup 2', External_Id__c: 'dup' }), 'DUPLICATE_VALUE', /duplicate value found: External_Id__c duplicates value on record with id: 001/);
    await error(conn.sobject('Contact').create({ LastName: 'x', Account: { External_Id__c: 'missing' } }), 'INVALID_FIELD', /Foreign key external ID: missing not found/);
    await error(conn.sobject('Account').update({ Id: '001000000000009AAA', Name: 'x' }), 'NOT_FOUND');
    await error(conn.sobject('Account').update({ Id: 'Dup', Name: 'x' }), 'NOT_FOUND');
    const res = await api(emulator, 'POST', '/sobjects/Account', '{bad json');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { errorCode: string }[])[0].errorCode, 'JSON_PARSER_ERROR');
  });

  test('relationship by external id, null clears, multiple matches answer 300', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Parent', External_Id__c: 'PARENT' });
    const contact = await conn.sobject('Contact').create({ LastName: 'Child', FirstName: 'Ann', Email: 'same@x.org', Account: { External_Id__c: 'PARENT' } });
    const fetched = await conn.sobject('Contact').retrieve(contact.id!);
    assert.equal(fetched.AccountId, account.id);
    assert.equal(fetched.Name, 'Ann Child');
    await conn.sobject('Contact').update({ Id: contact.id!, Email: null });
    assert.equal((await conn.sobject('Contact').retrieve(contact.id!)).Email, null);
    await conn.sobject('Contact').create([{ LastName: 'A', Email: 'twin@x.org' }, { LastName: 'B', Email: 'twin@x.org' }]);
    await assert.rejects(conn.sobject('Contact').upsert({ Email: 'twin@x.org', LastName: 'C' }, 'Email'), (e: { errorCode: string }) => e.errorCode === 'MULTIPLE_CHOICES');
    const items = await conn.sobject('Contact').upsert([{ Email: 'twin@x.org', LastName: 'C' }], 'Email') as Result[];
    assert.equal(items[0].errors[0].statusCode, 'DUPLICATE_EXTERNAL_ID');
  });

  test('collections: more than 200 with allowRecursive, 250 without is EXCEEDED_ID_LIMIT', async () => {
    const records = Array.from({ length: 450 }, (_, i) => ({ Name: `Bulk ${i}`, External_Id__c: `C-${i}` }));
    const created = await conn.sobject('Account').create(records, { allowRecursive: true });
    assert.equal(created.length, 450);
    assert.ok(created.every((r) => r.success));
    await assert.rejects(conn.sobject('Account').create(records.slice(0, 250).map((r) => ({ Name: r.Name }))),
      (e: { errorCode: string; message: string }) => e.errorCode === 'EXCEEDED_ID_LIMIT' && /cannot submit more than 200/.test(e.message));
    const updated = await conn.sobject('Account').update(created.map((r) => ({ Id: r.id!, Rating: 'Hot' })), { allowRecursive: true });
    assert.ok(updated.every((r) => r.success));
    const upserted = await conn.sobject('Account').upsert(records.map((r) => ({ External_Id__c: r.External_Id__c, Site: 'HQ' })), 'External_Id__c', { allowRecursive: true }) as Result[];
    assert.equal(upserted.length, 450);
    assert.ok(upserted.every((r) => r.success && r.created === false));
    const retrieved = await conn.sobject('Account').retrieve(created.slice(0, 3).map((r) => r.id!), { fields: ['Name', 'Site'] });
    assert.deepEqual(retrieved.map((r) => r?.Site), ['HQ', 'HQ', 'HQ']);
    const destroyed = await conn.sobject('Account').destroy(created.map((r) => r.id!), { allowRecursive: true });
    assert.ok(destroyed.every((r) => r.success));
    assert.equal((await conn.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Bulk %'")).totalSize, 0);
  });

  test('collections: per-record errors in input order and allOrNone rollback', async () => {
    const mixed = await conn.sobject('Contact').create([{ LastName: 'ok 1' }, { FirstName: 'missing' }, { LastName: 'ok 2' }]) as Result[];
    assert.deepEqual(mixed.map((r) => r.success), [true, false, true]);
    assert.deepEqual(mixed[1].errors, [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    const atomic = await conn.sobject('Contact').create([{ LastName: 'atomic 1' }, { LastName: 'atomic 2', Email: 'bad' }], { allOrNone: true }) as Result[];
    assert.equal(atomic[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(atomic[1].errors[0].statusCode, 'INVALID_EMAIL_ADDRESS');
    assert.equal((await conn.query("SELECT COUNT() FROM Contact WHERE LastName LIKE 'atomic%'")).totalSize, 0);
    const deleted = await conn.sobject('Contact').destroy([mixed[0].id!, 'garbage', mixed[0].id!]) as Result[];
    assert.deepEqual(deleted.map((r) => r.errors[0]?.statusCode), [undefined, 'MALFORMED_ID', 'ENTITY_IS_DELETED']);
    const rolledBack = await conn.sobject('Contact').destroy([mixed[2].id!, '003000000000009AAA'], { allOrNone: true }) as Result[];
    assert.deepEqual(rolledBack.map((r) => r.errors[0]?.statusCode), ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'INVALID_CROSS_REFERENCE_KEY']);
    assert.equal((await conn.sobject('Contact').retrieve(mixed[2].id!)).LastName, 'ok 2');
  });
});
