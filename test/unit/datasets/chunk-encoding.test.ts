import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { inflateStoredSync, storedEncoding } from '../../../src/blobs/index.js';
import { ChunkEncoder, decodeChunk, encodeChunk } from '../../../src/datasets/chunk-store.js';
import type { ChunkValue } from '../../../src/datasets/model.js';
import type { ReaderOptionsInput } from '../../../src/datasets/readers/index.js';
import { readAllBatches } from './helpers.js';

test('a chunk round-trips every cell type, dates included', async () => {
  const when = new Date('2024-02-29T23:30:00.000Z');
  const rows = [
    ['Acme', 12, true, when, null],
    ['客户 "quoted" {"$date":"not a date"}', -0.5, false, null, ''],
  ];
  const decoded = decodeChunk((await encodeChunk({ columns: ['Name', 'N', 'B', 'When', 'Empty'], rows })).data, 5001);
  assert.deepEqual(decoded.columns, ['Name', 'N', 'B', 'When', 'Empty']);
  assert.equal(decoded.firstRow, 5001);
  assert.ok(decoded.rows[0][3] instanceof Date);
  assert.equal((decoded.rows[0][3] as Date).toISOString(), when.toISOString());
  assert.deepEqual(decoded.rows[1], rows[1], 'a string that looks like the date marker stays a string');
});

test('a chunk without dates decodes to plain values', async () => {
  const rows = [['a', 1], ['b', null]];
  assert.deepEqual(decodeChunk((await encodeChunk({ columns: ['x', 'y'], rows })).data, 1).rows, rows);
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

/** Reads `csv` as the reader does (pieces of `chunkSize` bytes), stores every batch in CSV chunks, and reads them back. */
async function csvRoundTrip(csv: string, options: ReaderOptionsInput = {}, chunkSize = 7): Promise<{ read: ChunkValue[][]; stored: ChunkValue[][] }> {
  const { batches, rows } = await readAllBatches(csv, { batchSize: 3, ...options }, chunkSize);
  const stored: ChunkValue[][] = [];
  for (const batch of batches) {
    assert.ok(batch.raw, 'the CSV reader hands over each row\'s own text');
    const encoder = new ChunkEncoder(batch.columns, 16, batch.raw.delimiter);
    encoder.write(batch.rows.slice(0, 1), batch.raw.lines.slice(0, 1));
    encoder.write(batch.rows.slice(1), batch.raw.lines.slice(1));
    stored.push(...decodeChunk(await encoder.end(), batch.firstRowNumber).rows);
  }
  return { read: rows, stored };
}

test('CSV chunks give back exactly the rows the reader made: quotes, line breaks inside fields, CR and CRLF, empty and ragged rows', async () => {
  const cases: [string, ReaderOptionsInput][] = [
    ['a,b,c\n1,"x, ""y""",\n"multi\nline\r\nfield",,3\r\n4,5,6\r7,8,9', {}],
    ['name;city\r\n"Zoë";"São Paulo"\r\n客户;"北京\n朝阳"\r\n;\r\n', {}],
    ['x\ty\n1\t\n\t2\n"\t"\t"q""q"\n', {}],
    ['a,b,c\n1\n1,2,3,4,5\n,,\n"",""\n', { onRaggedRows: 'accept' }],
    ['1,2\n3,4\n\n\n5,6', { hasHeader: false }],
  ];
  for (const [csv, options] of cases) {
    for (const chunkSize of [1, 3, 7, 64 * 1024]) {
      const { read, stored } = await csvRoundTrip(csv, options, chunkSize);
      assert.deepEqual(stored, read, `${JSON.stringify(csv)} in pieces of ${chunkSize}`);
    }
  }
});

test('CSV chunks round-trip random files', async () => {
  const alphabet = ['a', 'Z', '7', ' ', ',', '"', '\n', '\r', 'é', '客', '😀', ';'];
  let seed = 7;
  const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  for (let file = 0; file < 200; file++) {
    const width = 1 + next(4);
    const lines = [Array.from({ length: width }, (_, i) => `h${i}`).join(',')];
    for (let r = 0; r < 1 + next(12); r++) {
      const fields = Array.from({ length: width }, (_, column) => {
        // A first field that is never empty: a row of one empty field is a blank line, not a row.
        const text = (column === 0 ? 'r' : '') + Array.from({ length: next(6) }, () => alphabet[next(alphabet.length)]).join('');
        return /[",\r\n;]/.test(text) || next(3) === 0 ? `"${text.replaceAll('"', '""')}"` : text;
      });
      lines.push(fields.join(','));
    }
    const csv = lines.join(next(2) === 0 ? '\n' : '\r\n');
    const { read, stored } = await csvRoundTrip(csv, { delimiter: ',', hasHeader: true }, 1 + next(9));
    assert.deepEqual(stored, read, JSON.stringify(csv));
  }
});

test('a CSV chunk larger than the pieces it is read back in keeps fields that span two pieces whole', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => `${i},"line one ${i}\nline two, ""quoted"" ${'é'.repeat(i % 11)}",${i % 2 ? '' : 'x'.repeat(i % 40)}`);
  const { read, stored } = await csvRoundTrip(`n,text,pad\n${rows.join('\r\n')}\r\n`, { batchSize: 3000 }, 64 * 1024);
  assert.equal(read.length, 3000);
  assert.deepEqual(stored, read);
});

test('a chunk is stored compressed with Brotli, smaller than gzip level 1 gave; a chunk stored as gzip before still decodes', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => [`Account ${i}`, `EXT-${String(i).padStart(7, '0')}`, i * 1000, i % 3 === 0 ? 'Banking' : 'Retail']);
  const { data, bytes } = await encodeChunk({ columns: ['Name', 'External_Id__c', 'AnnualRevenue', 'Industry'], rows });
  assert.equal(storedEncoding(data), 'br');
  const body = inflateStoredSync(data);
  assert.ok(body.subarray(0, 11).toString() === '{"columns":', 'the JSON rows inside');
  assert.ok(data.length < gzipSync(body, { level: 1 }).length * 0.8, `${data.length} bytes against gzip's ${gzipSync(body, { level: 1 }).length}`);
  const old = gzipSync(body, { level: 1 });
  assert.equal(storedEncoding(old), 'gzip');
  assert.deepEqual(decodeChunk(old, 1).rows, rows);
  assert.deepEqual(decodeChunk(data, 1, bytes).rows, rows);
  assert.deepEqual(decodeChunk(data, 1, 10).rows, rows, 'a size too small only costs more rounds');
});
