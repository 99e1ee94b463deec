import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRejects, readAllBatches } from './helpers.js';

describe('CSV reader', () => {
  test('sniffs each delimiter and keeps quoted delimiters, quotes and newlines', async () => {
    for (const delimiter of [',', ';', '\t', '|', '^']) {
      const text = ['id{d}note{d}n', '1{d}"a{d} ""b""\nc"{d}2', '3{d}plain{d}4', ''].join('\n').replaceAll('{d}', delimiter);
      const { columns, rows } = await readAllBatches(text);
      assert.deepEqual(columns, ['id', 'note', 'n'], `delimiter ${JSON.stringify(delimiter)}`);
      assert.deepEqual(rows, [['1', `a${delimiter} "b"\nc`, '2'], ['3', 'plain', '4']]);
    }
  });

  test('gives the same rows whatever the chunk boundaries (1-byte chunks, CRLF, BOM, no final newline)', async () => {
    const text = '\ufeffa,b\r\n"x\r\ny",2\r\n3,"q"""\r\n5,6';
    const whole = await readAllBatches(text);
    const split = await readAllBatches(text, {}, 1);
    assert.deepEqual(split.rows, whole.rows);
    assert.deepEqual(whole.columns, ['a', 'b']);
    assert.deepEqual(whole.rows, [['x\r\ny', '2'], ['3', 'q"'], ['5', '6']]);
  });

  test('detects a header row, or takes the option, and dedupes names deterministically', async () => {
    const noHeader = await readAllBatches('1,2\n3,4\n');
    assert.deepEqual(noHeader.columns, ['column_1', 'column_2']);
    assert.equal(noHeader.rows.length, 2);
    const forced = await readAllBatches('1,2\n3,4\n', { hasHeader: true });
    assert.deepEqual(forced.columns, ['1', '2']);
    const { columns, issues } = await readAllBatches('Name,Name,,Name_2,Name\nA,B,C,D,E\n');
    assert.deepEqual(columns, ['Name', 'Name_3', 'column_3', 'Name_2', 'Name_4']);
    assert.deepEqual(issues.map((issue) => [issue.code, issue.row, issue.message]), [
      ['HEADER_RENAMED', 0, 'Column 2 "Name" is named "Name_3".'],
      ['HEADER_RENAMED', 0, 'Column 3 "" is named "column_3".'],
      ['HEADER_RENAMED', 0, 'Column 5 "Name" is named "Name_4".'],
    ]);
  });

  test('an explicit delimiter wins over sniffing; empty cells are null', async () => {
    const { columns, rows } = await readAllBatches('a;b,c\n1;2,3\n', { delimiter: ',' });
    assert.deepEqual(columns, ['a;b', 'c']);
    assert.deepEqual((await readAllBatches('a,b\n,x\n')).rows, [[null, 'x']]);
    assert.deepEqual(rows, [['1;2', '3']]);
  });

  test('batches hold batchSize rows with running row numbers', async () => {
    const text = `n\n${Array.from({ length: 12_001 }, (_, i) => i).join('\n')}\n`;
    const { batches } = await readAllBatches(text, {}, 1000);
    assert.deepEqual(batches.map((batch) => [batch.firstRowNumber, batch.rows.length]), [[1, 5000], [5001, 5000], [10_001, 2001]]);
    assert.equal(batches[2].rows[2000][0], '12000');
  });

  test('unclosed quote: error with line and column', async () => {
    await assertRejects('a,b\n1,2\n3,"never closed\n4,5\n', {}, 'CSV_UNCLOSED_QUOTE', /^Line 3, column 3: the quoted field \(field 2\)/);
  });

  test('text after a closing quote: error with line and column', async () => {
    await assertRejects('a,b\n1,"x"y\n', {}, 'CSV_BAD_QUOTE', /^Line 2, column 6:/);
  });

  test('ragged rows: an error by default, with line and column', async () => {
    await assertRejects('a,b,c\n1,2,3\n4,5\n', {}, 'CSV_RAGGED_ROW', /^Line 3, column 3: the row has 2 fields but the header has 3: column 3 \("c"\) onwards is missing/);
    await assertRejects('a,b\n1,2,3\n', {}, 'CSV_RAGGED_ROW', /^Line 2, column 3: .*column 3 onwards is extra/);
  });

  test('ragged rows: accepted with one issue per row when chosen', async () => {
    const { rows, issues } = await readAllBatches('a,b,c\n1,2\n"multi\nline",2,3\n4,5,6,7\n', { onRaggedRows: 'accept' });
    assert.deepEqual(rows, [['1', '2', null], ['multi\nline', '2', '3'], ['4', '5', '6']]);
    assert.deepEqual(issues.map((issue) => [issue.code, issue.row, issue.line]), [['RAGGED_ROW', 1, 2], ['RAGGED_ROW', 3, 5]]);
    assert.match(issues[1].message, /extra values \(7\) are dropped/);
  });

  test('empty file, blank-only file and header-only file get clear errors', async () => {
    await assertRejects('', { format: 'csv' }, 'EMPTY_FILE', /empty/);
    await assertRejects('\n\r\n\n', { format: 'csv' }, 'EMPTY_FILE', /no rows/);
    await assertRejects('id,name,email\n', {}, 'HEADER_ONLY', /header row \(id, name, email\) but no data rows/);
  });
});

describe('batches of long rows', () => {
  test('rows of 60,000 characters come in batches of a few dozen, not 500; every row whole and in order', async () => {
    const long = (n: number) => `${n}:${'顧客 "x", 🌍\r\n'.repeat(5000)}`;
    const rows = 300;
    const csv = `id,text\n${Array.from({ length: rows }, (_, i) => `${i + 1},"${long(i + 1).replaceAll('"', '""')}"`).join('\n')}\n`;
    const { batches, rows: read } = await readAllBatches(csv, { batchSize: 500 });
    assert.ok(batches.length >= 15, `${batches.length} batches`);
    assert.ok(batches.every((b) => b.rows.length <= 20), `rows a batch: ${batches.map((b) => b.rows.length)}`);
    assert.deepEqual(read.map((r) => r[0]), Array.from({ length: rows }, (_, i) => String(i + 1)));
    assert.ok(read.every((r) => r[1] === long(Number(r[0]))));
    assert.deepEqual(batches.map((b) => b.firstRowNumber), batches.map((_, i) => 1 + batches.slice(0, i).reduce((n, b) => n + b.rows.length, 0)));
    assert.ok(batches.every((b) => b.raw?.lines.length === b.rows.length));
  });
  test('short rows still come 500 a batch, and a file of short rows then long rows is cut where the rows grow', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `${i + 1},${i < 1000 ? 'short' : 'y'.repeat(100_000)}`);
    const { batches } = await readAllBatches(`id,text\n${lines.join('\n')}\n`, { batchSize: 500 });
    assert.deepEqual(batches.slice(0, 2).map((b) => b.rows.length), [500, 500]);
    assert.ok(batches.slice(2).every((b) => b.rows.length <= 10), `${batches.slice(2).map((b) => b.rows.length)}`);
    assert.equal(batches.reduce((n, b) => n + b.rows.length, 0), 1200);
  });
});
