import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { api, connect, start, type Emulator } from './helpers.js';

type Info = {
  active: boolean; available: boolean; defaultRecordTypeMapping: boolean; developerName: string; master: boolean;
  name: string; recordTypeId: string;
};
type Described = { recordTypeInfos: Info[]; fields: { name: string; type: string; referenceTo: string[]; relationshipName: string | null }[] };
type SfFailure = { errorCode: string; message: string; fields?: string[] };
type RecordType = { Id: string; DeveloperName: string; SobjectType: string; Name: string; IsActive: boolean };

const MASTER = '012000000000000AAA';

describe('emulator record types', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  before(async () => {
    emulator = await start({
      recordTypes: [
        { sobjectType: 'Account', developerName: 'Customer', name: 'Customer' },
        { sobjectType: 'Account', developerName: 'Partner', name: 'Partner account', isDefault: true },
        { sobjectType: 'Account', developerName: 'Retired', isActive: false },
        { sobjectType: 'Contact', developerName: 'Customer', name: 'Customer contact' },
      ],
    });
    conn = await connect(emulator);
  });
  after(() => emulator.close());

  const typesOf = async (object: string) => (await conn.query<RecordType>(
    `SELECT Id, DeveloperName, SobjectType, Name, IsActive FROM RecordType WHERE SobjectType = '${object}' ORDER BY DeveloperName`,
  )).records;

  test('RecordType is queryable by SOQL, with Ids of key prefix 012', async () => {
    const account = await typesOf('Account');
    assert.deepEqual(account.map((t) => [t.DeveloperName, t.SobjectType, t.Name, t.IsActive]), [
      ['Customer', 'Account', 'Customer', true], ['Partner', 'Account', 'Partner account', true], ['Retired', 'Account', 'Retired', false],
    ]);
    for (const t of account) assert.match(t.Id, /^012[0-9A-Za-z]{15}$/);
    const contact = await typesOf('Contact');
    assert.deepEqual(contact.map((t) => t.DeveloperName), ['Customer']);
    assert.notEqual(contact[0].Id, account[0].Id);
    const global = await conn.describeGlobal();
    assert.ok(global.sobjects.some((o) => o.name === 'RecordType' && o.keyPrefix === '012' && !o.deletable));
  });

  test('describe lists recordTypeInfos and a RecordTypeId lookup on objects with record types only', async () => {
    const account = await conn.sobject('Account').describe() as unknown as Described;
    const ids = new Map((await typesOf('Account')).map((t) => [t.DeveloperName, t.Id]));
    assert.deepEqual(account.recordTypeInfos.map((i) => [i.developerName, i.name, i.recordTypeId, i.active, i.available, i.defaultRecordTypeMapping, i.master]), [
      ['Customer', 'Customer', ids.get('Customer'), true, true, false, false],
      ['Partner', 'Partner account', ids.get('Partner'), true, true, true, false],
      ['Retired', 'Retired', ids.get('Retired'), false, false, false, false],
      ['Master', 'Master', MASTER, true, false, false, true],
    ]);
    const field = account.fields.find((f) => f.name === 'RecordTypeId');
    assert.deepEqual([field?.type, field?.referenceTo, field?.relationshipName], ['reference', ['RecordType'], 'RecordType']);
    const lead = await conn.sobject('Lead').describe() as unknown as Described;
    assert.equal(lead.fields.some((f) => f.name === 'RecordTypeId'), false);
    assert.deepEqual(lead.recordTypeInfos.map((i) => [i.developerName, i.recordTypeId, i.available, i.defaultRecordTypeMapping]), [
      ['Master', MASTER, true, true],
    ]);
  });

  test('records take the given record type, or the default one; RecordType.DeveloperName reads it back', async () => {
    const ids = new Map((await typesOf('Account')).map((t) => [t.DeveloperName, t.Id]));
    const given = await conn.sobject('Account').create({ Name: 'Given', RecordTypeId: ids.get('Customer') });
    const defaulted = await conn.sobject('Account').create({ Name: 'Defaulted' });
    assert.ok(given.success && defaulted.success);
    const rows = (await conn.query<{ Name: string; RecordTypeId: string; RecordType: { DeveloperName: string } }>(
      `SELECT Name, RecordTypeId, RecordType.DeveloperName FROM Account WHERE Id IN ('${given.id}', '${defaulted.id}') ORDER BY Name`,
    )).records;
    assert.deepEqual(rows.map((r) => [r.Name, r.RecordTypeId, r.RecordType.DeveloperName]), [
      ['Defaulted', ids.get('Partner'), 'Partner'], ['Given', ids.get('Customer'), 'Customer'],
    ]);
    const updated = await conn.sobject('Account').update({ Id: given.id, RecordTypeId: ids.get('Partner') });
    assert.equal(updated.success, true);
  });

  test('a RecordTypeId of another object, an inactive one or Master fails as an org fails it', async () => {
    const account = new Map((await typesOf('Account')).map((t) => [t.DeveloperName, t.Id]));
    const contactType = (await typesOf('Contact'))[0].Id;
    const refused = async (record: Record<string, unknown>, id: string) => {
      await assert.rejects(conn.sobject('Account').create(record), (e: SfFailure) => {
        assert.equal(e.errorCode, 'INVALID_CROSS_REFERENCE_KEY');
        assert.equal(e.message, `Record Type ID: this ID value isn't valid for the user: ${id}`);
        return true;
      });
    };
    await refused({ Name: 'Wrong object', RecordTypeId: contactType }, contactType);
    await refused({ Name: 'Inactive', RecordTypeId: account.get('Retired') }, account.get('Retired') as string);
    await refused({ Name: 'Master', RecordTypeId: MASTER }, MASTER);
    // The same through sObject Collections: per-record errors naming the field.
    const results = await conn.sobject('Account').create([{ Name: 'ok', RecordTypeId: account.get('Customer') }, { Name: 'bad', RecordTypeId: contactType }]);
    assert.equal(results[0].success, true);
    const failure = results[1] as unknown as { success: boolean; errors: { statusCode: string; fields: string[] }[] };
    assert.deepEqual([failure.success, failure.errors[0].statusCode, failure.errors[0].fields], [false, 'INVALID_CROSS_REFERENCE_KEY', ['RecordTypeId']]);
  });

  test('Bulk API 2.0 ingest reports a wrong RecordTypeId in sf__Error', async () => {
    const contactType = (await typesOf('Contact'))[0].Id;
    const customer = (await typesOf('Account')).find((t) => t.DeveloperName === 'Customer')?.Id as string;
    const input = `Name,RecordTypeId\nBulk ok,${customer}\nBulk bad,${contactType}\n`;
    const result = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input, pollInterval: 100, pollTimeout: 60_000 });
    assert.equal(result.successfulResults.length, 1);
    assert.equal(result.failedResults[0].sf__Error,
      `INVALID_CROSS_REFERENCE_KEY:Record Type ID: this ID value isn't valid for the user: ${contactType}:RecordTypeId`);
  });

  test('RecordType is created and updated through the API, never deleted; its SobjectType is set on create only', async () => {
    const created = await conn.sobject('RecordType').create({ SobjectType: 'Account', DeveloperName: 'Prospect', Name: 'Prospect' });
    assert.equal(created.success, true);
    const account = await conn.sobject('Account').describe() as unknown as Described;
    assert.ok(account.recordTypeInfos.some((i) => i.developerName === 'Prospect' && i.recordTypeId === created.id));
    await assert.rejects(conn.sobject('RecordType').update({ Id: created.id, SobjectType: 'Contact' }),
      (e: SfFailure) => e.errorCode === 'INVALID_FIELD_FOR_INSERT_UPDATE');
    await assert.rejects(conn.sobject('RecordType').create({ SobjectType: 'Lead', DeveloperName: 'Web', Name: 'Web' }),
      (e: SfFailure) => e.errorCode === 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const res = await api(emulator, 'DELETE', `/sobjects/RecordType/${created.id}`);
    assert.equal(res.status, 400);
    const body = await res.json() as { errorCode: string }[];
    assert.equal(body[0].errorCode, 'INVALID_TYPE_FOR_OPERATION');
    assert.equal((await typesOf('Account')).length, 4);
  });

  test('with dataDir, record types persist and are not seeded twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'emulator-record-types-'));
    const recordTypes = [{ sobjectType: 'Case', developerName: 'Support' }];
    try {
      const first = await start({ dataDir, recordTypes });
      const created = await (await connect(first)).sobject('Case').create({ Subject: 'Kept' });
      await first.close();
      const second = await start({ dataDir, recordTypes });
      try {
        const again = await connect(second);
        const types = (await again.query<RecordType>("SELECT Id FROM RecordType WHERE SobjectType = 'Case'")).records;
        assert.equal(types.length, 1);
        const kept = await again.sobject('Case').retrieve(created.id as string);
        assert.equal(kept.RecordTypeId, types[0].Id);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
