import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pl from 'nodejs-polars';
import { assertRejects, readAllBatches } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'dms-parquet-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

describe('parquet reader', () => {
  test('reads the rows in order, with types, in batches', async () => {
    const n = 25_000;
    const part = (from: number, to: number) => pl.DataFrame({
      id: Array.from({ length: to - from }, (_, k) => from + k),
      name: Array.from({ length: to - from }, (_, k) => ((from + k) % 7 === 0 ? null : `n${from + k}`)),
      score: Array.from({ length: to - from }, (_, k) => (from + k) / 4),
      flag: Array.from({ length: to - from }, (_, k) => (from + k) % 2 === 0),
    });
    const path = join(folder, 'rows.parquet');
    part(0, n).writeParquet(path);
    const { columns, rows, batches } = await readAllBatches(readFileSync(path));
    assert.deepEqual(columns, ['id', 'name', 'score', 'flag']);
    assert.equal(rows.length, n);
    assert.deepEqual(rows[0], [0, null, 0, true]);
    assert.deepEqual(rows[n - 1], [n - 1, `n${n - 1}`, (n - 1) / 4, false]);
    assert.equal(batches.length, 5);
    assert.ok(batches.every((batch, i) => batch.firstRowNumber === i * 5000 + 1 && batch.rows.length === 5000));
  });

  test('a damaged file is refused', async () => {
    await assertRejects(Buffer.from('PAR1 not really parquet PAR1'), {}, 'PARQUET_CORRUPT', /cannot be read/);
  });
});
