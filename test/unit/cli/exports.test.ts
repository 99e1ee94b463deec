import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, EXIT } from '../../../src/cli/client/exit.js';
import { exportRequestOf, formatOf } from '../../../src/cli/client/exports.js';

const isUsage = (error: unknown) => error instanceof CliError && error.exitCode === EXIT.usage;

test('the options become the body of POST /api/v1/exports: fields split on commas, Export All, the API', () => {
  const options = { connection: 'Prod', object: 'Contact', fields: 'Id, LastName ,Account.Name,', where: 'Email != null', all: true, api: 'bulk' };
  assert.deepEqual(exportRequestOf(options, '0c1'), {
    connectionId: '0c1', object: 'Contact', fields: ['Id', 'LastName', 'Account.Name'], where: 'Email != null', queryAll: true, api: 'bulk',
  });
  const bySoql = exportRequestOf({ connection: 'local', soql: 'SELECT Id FROM Lead', all: false, name: 'Leads' }, 'local');
  assert.deepEqual(bySoql, { connectionId: 'local', soql: 'SELECT Id FROM Lead', queryAll: false, api: 'auto', name: 'Leads' });
});

test('an object with fields, or a SOQL query: anything else is a usage error', () => {
  for (const options of [
    { object: 'Account' },
    { fields: 'Id' },
    { soql: 'SELECT Id FROM Account', object: 'Account', fields: 'Id' },
    { soql: 'SELECT Id FROM Account', where: 'Name = null' },
    { soql: 'SELECT Id FROM Account', api: 'soap' },
  ]) {
    assert.throws(() => exportRequestOf({ connection: 'local', all: false, ...options }, 'local'), isUsage, JSON.stringify(options));
  }
});

test('the download format: --format, else the file\'s extension, else CSV', () => {
  assert.equal(formatOf('out.XLSX'), 'xlsx');
  assert.equal(formatOf('out.parquet'), 'parquet');
  assert.equal(formatOf('out.jsonl'), 'ndjson');
  assert.equal(formatOf('out.txt'), 'csv');
  assert.equal(formatOf('-'), 'csv');
  assert.equal(formatOf('out.csv', 'ndjson'), 'ndjson');
  assert.throws(() => formatOf('out.csv', 'pdf'), isUsage);
});
