import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { api, connect, inspect, start, type Emulator } from './helpers.js';

type Row = Record<string, string>;
type Results = { successfulResults: Row[]; failedResults: Row[]; unprocessedRecords: Row[] };

describe('emulator Bulk API 2.0', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  before(async () => {
    emulator = await start({ bulkQueryPageSize: 7 });
    conn = await connect(emulator);
  });
  after(() => emulator.close());

  const load = (operation: 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete', object: string, input: string | Record<string, unknown>[], externalIdFieldName?: string) =>
    conn.bulk2.loadAndWaitForResults({ object, operation, input, externalIdFieldName, pollInterval: 20, pollTimeout: 20_000 }) as unknown as Promise<Results>;

  test('insert, update, upsert, delete and hardDelete through loadAndWaitForResults', async () => {
    const csv = 'Name,External_Id__c,AnnualRevenue,Industry\n"Acme, Inc.",E1,100,Banking\nBeta,E2,abc,Energy\nGamma,E3,#N/A,\n';
    const inserted = await load('insert', 'Account', csv);
    assert.equal(inserted.successfulResults.length, 2);
    assert.equal(inserted.successfulResults[0].sf__Created, 'true');
    assert.equal(inserted.successfulResults[0].Name, 'Acme, Inc.');
    assert.deepEqual(inserted.failedResults.map((r: Row) => r.sf__Error), ['INVALID_TYPE_ON_FIELD_IN_RECORD:Annual Revenue: value not of required type: abc:AnnualRevenue']);
    const ids = inserted.successfulResults.map((r: Row) => r.sf__Id);

    const updated = await load('update', 'Account', [{ Id: ids[0], Industry: 'Energy' }, { Id: ids[1], Industry: null }, { Id: '001000000000009AAA', Industry: 'Energy' }]);
    assert.equal(updated.successfulResults.length, 2);
    assert.equal(updated.successfulResults[0].sf__Created, 'false');
    assert.match(updated.failedResults[0].sf__Error, /^INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--$/);
    const rows = await conn.query(`SELECT Id, Industry FROM Account WHERE Id IN ('${ids[0]}', '${ids[1]}') ORDER BY Name`);
    assert.deepEqual(rows.records.map((r) => r.Industry), ['Energy', null]);

    const upserted = await load('upsert', 'Account', 'External_Id__c,Name,Phone\nE1,,555\nE9,New,\n', 'External_Id__c');
    assert.deepEqual(upserted.successfulResults.map((r: Row) => r.sf__Created), ['false', 'true']);
    assert.equal((await conn.sobject('Account').retrieve(ids[0])).Name, 'Acme, Inc.');

    const contacts = await load('insert', 'Contact', 'LastName,Account.External_Id__c\nSmith,E1\nJones,NOPE\n');
    assert.equal(contacts.successfulResults.length, 1);
    assert.match(contacts.failedResults[0].sf__Error, /^INVALID_FIELD:Foreign key external ID: NOPE not found/);

    const deleted = await load('delete', 'Account', [{ Id: ids[0] }, { Id: 'bad' }]);
    assert.equal(deleted.successfulResults.length, 1);
    assert.match(deleted.failedResults[0].sf__Error, /^MALFORMED_ID:malformed id bad/);
    const all = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Id = '${ids[0]}'`, { scanAll: true });
    assert.equal(all.records[0].IsDeleted, true);
    const hard = await load('hardDelete', 'Account', [{ Id: ids[1] }]);
    assert.equal(hard.successfulResults.length, 1);
    assert.equal((await conn.query(`SELECT Id FROM Account WHERE Id = '${ids[1]}'`, { scanAll: true })).totalSize, 0);
  });

  test('upsert: a key repeated within one job is refused as DUPLICATE_EXTERNAL_ID, not applied twice', async () => {
    const result = await load('upsert', 'Account', 'Name,External_Id__c\nFirst,DUP-1\nSecond,DUP-2\nAgain,dup-1\n', 'External_Id__c');
    assert.deepEqual(result.successfulResults.map((r: Row) => r.Name).sort(), ['First', 'Second']);
    assert.deepEqual(result.failedResults.map((r: Row) => r.sf__Error), ['DUPLICATE_EXTERNAL_ID:Duplicate external id specified: dup-1:External_Id__c']);
    const stored = await conn.query<{ Name: string }>("SELECT Name FROM Account WHERE External_Id__c = 'DUP-1'");
    assert.deepEqual(stored.records.map((r) => r.Name), ['First']);
    // A key that matched an existing record, or whose first row failed, is refused the second time too.
    const csv = 'Name,External_Id__c,Customer_Priority__c\nUpdated,DUP-2,\nBad,DUP-3,Nope\nAgain 2,DUP-2,\nAgain 3,DUP-3,\n';
    const again = await load('upsert', 'Account', csv, 'External_Id__c');
    assert.deepEqual(again.successfulResults.map((r: Row) => [r.Name, r.sf__Created]), [['Updated', 'false']]);
    assert.deepEqual(again.failedResults.map((r: Row) => [r.Name, r.sf__Error.split(':')[0]]), [
      ['Bad', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'], ['Again 2', 'DUPLICATE_EXTERNAL_ID'], ['Again 3', 'DUPLICATE_EXTERNAL_ID'],
    ]);
  });

  test('a header with an unknown field fails the job', async () => {
    await assert.rejects(load('insert', 'Account', 'Name,Bogus__c\nx,y\n'), /Ingest job failed to complete due to: InvalidBatch : Field name not found : Bogus__c/);
  });

  test('an injected failure ends the job Failed with unprocessed records; lock faults fail rows', async () => {
    await inspect(emulator, 'POST', '/faults', { bulkFailRatio: 1 });
    try {
      const job = conn.bulk2.createJob({ object: 'Lead', operation: 'insert' });
      await job.open();
      await job.uploadData(Array.from({ length: 10 }, (_, i) => ({ LastName: `L${i}`, Company: 'C' })));
      await job.close();
      await assert.rejects(job.poll(20, 10_000), /injected fault/);
      const info = await job.check();
      assert.equal(info.state, 'Failed');
      assert.equal(info.numberRecordsProcessed, 5);
      assert.equal((await job.getUnprocessedRecords()).length, 5);
      await job.delete();
    } finally {
      await inspect(emulator, 'POST', '/faults', { bulkFailRatio: 0, lockRatio: 1 });
    }
    try {
      const locked = await load('insert', 'Lead', [{ LastName: 'x', Company: 'y' }]);
      assert.match(locked.failedResults[0].sf__Error, /^UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record/);
    } finally {
      await inspect(emulator, 'DELETE', '/faults');
    }
  });

  test('job state machine: one PUT per job, abort, delete, list', async () => {
    const create = await api(emulator, 'POST', '/jobs/ingest', { object: 'Account', operation: 'insert' });
    const info = (await create.json()) as { id: string; state: string; apiVersion: number; contentUrl: string };
    assert.equal(info.state, 'Open');
    assert.equal(info.apiVersion, 62);
    assert.match(info.contentUrl, /^services\/data\/v62\.0\/jobs\/ingest\/750/);
    for (let i = 0; i < 2; i++) {
      const put = await api(emulator, 'PUT', `/jobs/ingest/${info.id}/batches`, 'Name\nx\n', { 'Content-Type': 'text/csv' });
      assert.equal(put.status, 201);
    }
    const close = await api(emulator, 'PATCH', `/jobs/ingest/${info.id}`, { state: 'UploadComplete' });
    assert.equal(close.status, 400);
    assert.match(((await close.json()) as { message: string }[])[0].message, /Found multipe contents for job/);
    assert.equal((await api(emulator, 'DELETE', `/jobs/ingest/${info.id}`)).status, 400);
    const abort = await api(emulator, 'PATCH', `/jobs/ingest/${info.id}`, { state: 'Aborted' });
    assert.equal(((await abort.json()) as { state: string }).state, 'Aborted');
    const list = (await (await api(emulator, 'GET', '/jobs/ingest')).json()) as { done: boolean; records: { id: string }[] };
    assert.ok(list.done && list.records.some((r) => r.id === info.id));
    assert.equal((await api(emulator, 'DELETE', `/jobs/ingest/${info.id}`)).status, 204);
    assert.equal((await api(emulator, 'GET', `/jobs/ingest/${info.id}`)).status, 404);
    const bad = await api(emulator, 'POST', '/jobs/ingest', { object: 'Account', operation: 'upsert' });
    assert.equal(((await bad.json()) as { errorCode: string }[])[0].errorCode, 'INVALIDJOB');
  });

  test('bulk2.query on one page; Sforce-Locator paging over several pages ends on null', async () => {
    await load('insert', 'Opportunity', Array.from({ length: 20 }, (_, i) => ({ Name: `Opp ${i}`, StageName: 'Prospecting', CloseDate: '2025-01-31', Amount: i })));
    const one = await (await conn.bulk2.query("SELECT Id, Name, Amount, Account.Name FROM Opportunity WHERE Amount < 5 ORDER BY Amount", { pollInterval: 20 })).toArray();
    assert.deepEqual(one.map((r) => r.Name), ['Opp 0', 'Opp 1', 'Opp 2', 'Opp 3', 'Opp 4']);
    assert.ok('Account.Name' in one[0]);
    // jsforce 3.10.16 pipes every results page into one stream that the first page ends ("write after end"),
    // so multi-page results are read here with the loop jsforce runs: GET results, then ?locator=<Sforce-Locator> until the header says null (page size 7 here).
    const job = (await (await api(emulator, 'POST', '/jobs/query', { operation: 'query', query: "SELECT Id, Name FROM Opportunity WHERE Name LIKE 'Opp%'" })).json()) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pages: number[] = [];
    let locator: string | null = '';
    while (locator !== 'null') {
      const res = await api(emulator, 'GET', `/jobs/query/${job.id}/results${locator ? `?locator=${locator}` : ''}`, undefined, { Accept: 'text/csv' });
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      locator = res.headers.get('sforce-locator');
      assert.ok(locator, 'every results page carries Sforce-Locator');
      pages.push(Number(res.headers.get('sforce-numberofrecords')));
      assert.equal((await res.text()).split('\n')[0], '"Id","Name"');
    }
    assert.deepEqual(pages, [7, 7, 6]);
  });

  test('Bulk 2.0 query refuses what its guide lists: aggregates, GROUP BY, OFFSET, subqueries, FOR VIEW', async () => {
    const refusal = async (query: string) => {
      const res = await api(emulator, 'POST', '/jobs/query', { operation: 'query', query });
      assert.equal(res.status, 400, query);
      const [error] = (await res.json()) as { errorCode: string; message: string }[];
      return `${error.errorCode}: ${error.message}`;
    };
    assert.equal(await refusal('SELECT COUNT() FROM Account'), 'API_ERROR: An aggregate function (COUNT(), SUM, ...) is not supported by Bulk API 2.0 query');
    assert.equal(await refusal('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry'), 'API_ERROR: GROUP BY is not supported by Bulk API 2.0 query');
    assert.equal(await refusal('SELECT Id FROM Account OFFSET 5'), 'API_ERROR: OFFSET is not supported by Bulk API 2.0 query');
    assert.equal(await refusal('SELECT Id FROM Account FOR VIEW'), 'API_ERROR: FOR VIEW is not supported by Bulk API 2.0 query');
    assert.equal(await refusal('SELECT Name, (SELECT LastName FROM Contacts) FROM Account'),
      'FEATURENOTENABLED: Aggregate Relationships not supported in Bulk V2 Query with CSV content type.');
    assert.match(await refusal('SELECT Id FROM Account WHERE Name = 1'), /^INVALID_FIELD: \nSELECT Id FROM Account WHERE Name = 1\n +\^\nERROR at Row:1:Column:37/);
  });
});
