import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { readDataset } from '../../../src/datasets/readers/index.js';
import { isAppError } from '../../../src/errors.js';
import { assertRejects, readAllBatches } from './helpers.js';

const MAX_CELL = 131_072;

describe('reader limits (every format, in readDataset)', () => {
  test('a cell over 131,072 characters is refused naming its row, column and CSV line; one at the limit is read', async () => {
    // A quoted field over two lines first, so that the line is not the row number plus one.
    const csv = `id,note,body\n1,"two\nlines",short\n2,ok,${'x'.repeat(MAX_CELL + 1)}\n`;
    const where = /^Row 2 \(line 4\), column 3 \("body"\): the cell holds 131,073 characters; a cell may hold at most 131,072/;
    await assertRejects(csv, {}, 'CELL_TOO_LARGE', where);
    const { rows } = await readAllBatches(`id,body\n1,${'y'.repeat(MAX_CELL)}\n`);
    assert.equal((rows[0][1] as string).length, MAX_CELL);
  });

  test('JSON and NDJSON cells are held to the same limit (no line: the row says where)', async () => {
    const long = 'z'.repeat(MAX_CELL + 5);
    const json = JSON.stringify([{ a: 1, b: 'x' }, { a: 2, b: long }]);
    await assertRejects(json, { format: 'json' }, 'CELL_TOO_LARGE', /^Row 2, column 2 \("b"\): the cell holds 131,077 characters/);
    await assertRejects(`{"a":1}\n{"a":"${long}"}\n`, { format: 'ndjson' }, 'CELL_TOO_LARGE', /^Row 2, column 1 \("a"\)/);
  });

  test('more than 1,000 columns is refused naming the first column too many; 1,000 are read', async () => {
    const header = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`).join(',');
    const row = (n: number) => Array.from({ length: n }, (_, i) => i).join(',');
    const message = /^The file has 1,001 columns; DMS reads at most 1,000 .* Column 1,001 \("c1001"\) is the first one too many/;
    await assertRejects(`${header(1001)}\n${row(1001)}\n`, {}, 'TOO_MANY_COLUMNS', message);
    assert.equal((await readAllBatches(`${header(1000)}\n${row(1000)}\n`)).columns.length, 1000);
  });

  test('a header of 100,000 columns is refused after a few rows, long before the file ends', async () => {
    const columns = 100_000;
    const header = `${Array.from({ length: columns }, (_, i) => `c${i}`).join(',')}\n`;
    const row = `${'1,'.repeat(columns - 1)}1\n`;
    let rowsServed = 0;
    // 2,000 rows would be 400 MB of text: the source counts how far the reader got.
    const source = () => Readable.from((function* () {
      yield Buffer.from(header);
      for (; rowsServed < 2000; rowsServed++) yield Buffer.from(row);
    })());
    await assert.rejects(async () => {
      for await (const batch of readDataset(source, { batchSize: 500 })) assert.fail(`a batch of ${batch.rows.length} rows passed`);
    }, (error: unknown) => isAppError(error) && error.code === 'TOO_MANY_COLUMNS' && /100,000 columns/.test(error.message));
    assert.ok(rowsServed < 20, `refused after ${rowsServed} rows`);
  });

  test('a column name over 255 characters, or names over 64 KB together, are refused', async () => {
    const long = 'N'.repeat(256);
    const tooLong = /^Column 2's name \("N{60}…"\) is 256 characters long; a column name may have at most 255/;
    await assertRejects(`a,${long}\n1,2\n`, {}, 'HEADER_TOO_LONG', tooLong);
    assert.deepEqual((await readAllBatches(`a,${'N'.repeat(255)}\n1,2\n`)).columns[1].length, 255);
    // 600 names of 36 Chinese characters and 4 digits: 112 bytes each, 67,200 bytes together.
    const names = Array.from({ length: 600 }, (_, i) => `${'名'.repeat(36)}${String(i).padStart(4, '0')}`);
    const wide = `${names.join(',')}\n${names.map(() => 1).join(',')}\n`;
    await assertRejects(wide, {}, 'HEADER_TOO_LARGE', /600 column names take 67,200 bytes together; at most 65,536/);
  });
});
