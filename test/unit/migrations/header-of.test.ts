import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Mapping } from '../../../src/mapping/index.js';
import { headerOf } from '../../../src/migrations/write-bulk.js';

const mapping = Mapping.parse({
  object: 'Account',
  fields: [{ column: 'n', field: 'Name' }, { column: 'p', field: 'Phone' }, { column: 'w', field: 'Website' }],
  constants: [{ field: 'Industry', value: 'Other' }],
});
const rows = (...records: Record<string, string>[]) => records.map((record, i) => ({ row: i + 1, record }));

describe('headerOf', () => {
  test('the mapping targets some row carries, in mapping order, wherever they first appear', () => {
    assert.deepEqual(headerOf(mapping, rows({ Name: 'A' }, { Website: 'w', Name: 'B' }, { Industry: 'Other' })), ['Name', 'Website', 'Industry']);
    assert.deepEqual(headerOf(mapping, rows({ Industry: 'x', Website: 'w', Phone: 'p', Name: 'A' }, { Name: 'B' })), ['Name', 'Phone', 'Website', 'Industry']);
    assert.deepEqual(headerOf(mapping, rows({}, {})), []);
    assert.deepEqual(headerOf(mapping, []), []);
  });
});
