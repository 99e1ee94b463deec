import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkEncoder, decodeChunk, encodeChunk } from '../../../src/datasets/chunk-store.js';

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

test('rows written in many pieces, past the first buffer and with multi-byte text, decode to the same rows', async () => {
  const rows = Array.from({ length: 1234 }, (_, i) => [`row ${i} ${'é客😀'.repeat(i % 7)}`, i % 5 === 0 ? null : i / 4, i % 2 === 0, '"\\\n\t']);
  const encoder = new ChunkEncoder(['text', 'n', 'b', 'escapes'], 16);
  for (let at = 0; at < rows.length; at += 97) encoder.write(rows.slice(at, at + 97));
  const decoded = decodeChunk(await encoder.end(), 1);
  assert.deepEqual(decoded.columns, ['text', 'n', 'b', 'escapes']);
  assert.deepEqual(decoded.rows, rows);
});

test('a chunk with no rows decodes to an empty list', async () => {
  assert.deepEqual(decodeChunk(await new ChunkEncoder(['x']).end(), 1).rows, []);
});
