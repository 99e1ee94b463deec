import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, passwordToken, start, type Emulator } from '../salesforce-emulator/helpers.js';
import { SfCli } from './sf-cli.js';

type IngestResult = { jobId: string; processedRecords: number; successfulRecords: number; failedRecords: number };
const csvLines = (text: string) => text.trim().split(/\r?\n/);

describe('sf CLI: Bulk API 2.0 import, upsert, update, delete, export and results against the Local org', () => {
  const ROWS = 2500;
  let emulator: Emulator;
  let cli: SfCli;
  const org = ['--target-org', 'local'];
  const file = (name: string) => join(cli.home, name);
  before(async () => {
    // Small results pages so an export spans several Sforce-Locator pages.
    emulator = await start({ bulkQueryPageSize: 1000 });
    cli = await SfCli.create();
    await cli.loginAccessToken(emulator.url, await passwordToken(emulator.url), 'local');
  });
  after(async () => {
    await emulator?.close();
    await cli?.close();
  });

  test('import bulk, upsert bulk on an external id, then export bulk as CSV and JSON over several result pages', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => `Bulk ${i},B-${i},${i % 2 ? 'Banking' : 'Energy'}`);
    await writeFile(file('accounts.csv'), `Name,External_Id__c,Industry\n${rows.join('\n')}\n`);
    const imported = await cli.ok<IngestResult>(['data', 'import', 'bulk', ...org, '--sobject', 'Account', '--file', file('accounts.csv'), '--wait', '5']);
    assert.deepEqual([imported.processedRecords, imported.successfulRecords, imported.failedRecords], [ROWS, ROWS, 0]);
    await writeFile(file('upsert.csv'), 'External_Id__c,Name\nB-0,Bulk Zero\nB-NEW,Bulk New\n');
    const upserted = await cli.ok<{ jobInfo: { numberRecordsProcessed: number; state: string }; records: { successfulResults: { sf__Created: string }[] } }>([
      'data', 'upsert', 'bulk', ...org, '--sobject', 'Account', '--file', file('upsert.csv'), '--external-id', 'External_Id__c', '--wait', '5',
    ]);
    assert.equal(upserted.jobInfo.state, 'JobComplete');
    assert.deepEqual(upserted.records.successfulResults.map((r) => r.sf__Created).sort(), ['false', 'true']);
    const query = "SELECT Id, Name, External_Id__c FROM Account WHERE Name LIKE 'Bulk%'";
    const [asCsv, asJson] = await Promise.all([
      cli.ok<{ totalSize: number }>(['data', 'export', 'bulk', ...org, '--query', query, '--output-file', file('export.csv'), '--wait', '5']),
      cli.ok<{ totalSize: number }>(['data', 'export', 'bulk', ...org, '--query', query, '--output-file', file('export.json'), '--result-format', 'json', '--wait', '5']),
    ]);
    assert.deepEqual([asCsv.totalSize, asJson.totalSize], [ROWS + 1, ROWS + 1]);
    const lines = csvLines(await readFile(file('export.csv'), 'utf8'));
    assert.equal(lines[0], '"Id","Name","External_Id__c"');
    assert.equal(lines.length, ROWS + 2);
    const records = JSON.parse(await readFile(file('export.json'), 'utf8')) as { Id: string; Name: string }[];
    assert.equal(new Set(records.map((r) => r.Id)).size, ROWS + 1);
    assert.ok(records.some((r) => r.Name === 'Bulk Zero'));
  });

  test('update bulk and delete bulk by Id; results of a job with a failed row', async () => {
    const conn = await connect(emulator);
    const seeded = await conn.sobject('Account').create([{ Name: 'Seed A' }, { Name: 'Seed B' }, { Name: 'Seed C' }]);
    const ids = seeded.map((r) => r.id!);
    await writeFile(file('update.csv'), `Id,NumberOfEmployees\n${ids.slice(1).map((id) => `${id},99`).join('\n')}\n`);
    await writeFile(file('delete.csv'), `Id\n${ids[0]}\n`);
    const [updated, deleted] = await Promise.all([
      cli.ok<IngestResult>(['data', 'update', 'bulk', ...org, '--sobject', 'Account', '--file', file('update.csv'), '--wait', '5']),
      cli.ok<{ jobInfo: { numberRecordsProcessed: number; numberRecordsFailed: number } }>(['data', 'delete', 'bulk', ...org, '--sobject', 'Account', '--file', file('delete.csv'), '--wait', '5']),
    ]);
    assert.deepEqual([updated.successfulRecords, deleted.jobInfo.numberRecordsProcessed, deleted.jobInfo.numberRecordsFailed], [2, 1, 0]);
    const left = await conn.query<{ Name: string; NumberOfEmployees: number }>("SELECT Name, NumberOfEmployees FROM Account WHERE Name LIKE 'Seed%' ORDER BY Name");
    assert.deepEqual(left.records.map((r) => [r.Name, r.NumberOfEmployees]), [['Seed B', 99], ['Seed C', 99]]);
    await writeFile(file('mixed.csv'), 'Name,NumberOfEmployees\nGood,5\nBad,many\n');
    const mixed = await cli.run(['data', 'import', 'bulk', ...org, '--sobject', 'Account', '--file', file('mixed.csv'), '--wait', '5']);
    assert.equal(mixed.exitCode, 1);
    assert.equal(mixed.json.name, 'FailedRecordDetailsError');
    const jobId = (mixed.json.data as { jobId: string }).jobId;
    const results = await cli.ok<{ successfulRecords: number; failedRecords: number; failedFilePath: string }>(['data', 'bulk', 'results', ...org, '--job-id', jobId]);
    assert.deepEqual([results.successfulRecords, results.failedRecords], [1, 1]);
    const failed = csvLines(await readFile(join(cli.home, results.failedFilePath), 'utf8'));
    assert.equal(failed[0], '"sf__Id","sf__Error",Name,NumberOfEmployees');
    assert.match(failed[1], /^"","INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: many:NumberOfEmployees",Bad,many$/);
  });

  test('export bulk refuses what Bulk API 2.0 query refuses', async () => {
    const refused = await cli.run(['data', 'export', 'bulk', ...org, '--query', 'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry', '--output-file', file('x.csv'), '--wait', '1']);
    assert.equal(refused.exitCode, 1);
    assert.match(String(refused.json.message), /GROUP BY is not supported by Bulk API 2.0 query/);
  });
});
