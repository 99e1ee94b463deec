import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeChunk, encodeChunk } from '../../../src/datasets/chunk-store.js';

test('a chunk round-trips every cell type, dates included', async () => {
  const when = new Date('2024-02-29T23:30:00.000Z');
  const rows = [
    ['Acme', 12, true, when, null],
    ['客户 "quoted" {"$date":"not a date"}', -0.5, false, null, ''],
  ];
  const decoded = decodeChunk(await encodeChunk({ columns: ['Name', 'N', 'B', 'When', 'Empty'], rows }), 5001);
  assert.deepEqual(decoded.columns, ['Name', 'N', 'B', 'When', 'Empty']);
  assert.equal(decoded.firstRow, 5001);
  assert.ok(decoded.rows[0][3] instanceof Date);
  assert.equal((decoded.rows[0][3] as Date).toISOString(), when.toISOString());
  assert.deepEqual(decoded.rows[1], rows[1], 'a string that looks like the date marker stays a string');
});

test('a chunk without dates decodes to plain values', async () => {
  const rows = [['a', 1], ['b', null]];
  assert.deepEqual(decodeChunk(await encodeChunk({ columns: ['x', 'y'], rows }), 1).rows, rows);
});
