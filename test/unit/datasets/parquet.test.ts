import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pl from 'nodejs-polars';
import { isAppError } from '../../../src/errors.js';
import { assertRejects, readAllBatches } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'dms-parquet-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

type Codec = 'uncompressed' | 'snappy' | 'gzip' | 'brotli' | 'zstd' | 'lz4';

function parquetFile(rows: number, compression: Codec): Buffer {
  const frame = pl.DataFrame({
    id: Array.from({ length: rows }, (_, k) => k),
    name: Array.from({ length: rows }, (_, k) => (k % 7 === 0 ? null : `n${k}`)),
    score: Array.from({ length: rows }, (_, k) => k / 4),
    flag: Array.from({ length: rows }, (_, k) => k % 2 === 0),
  });
  const path = join(folder, `${rows}-${compression}.parquet`);
  frame.writeParquet(path, { compression });
  return readFileSync(path);
}

describe('parquet reader', () => {
  test('reads the rows in order, with types, in batches', async () => {
    const n = 25_000;
    const { columns, rows, batches } = await readAllBatches(parquetFile(n, 'uncompressed'));
    assert.deepEqual(columns, ['id', 'name', 'score', 'flag']);
    assert.equal(rows.length, n);
    assert.deepEqual(rows[0], [0, null, 0, true]);
    assert.deepEqual(rows[n - 1], [n - 1, `n${n - 1}`, (n - 1) / 4, false]);
    assert.equal(batches.length, 5);
    assert.ok(batches.every((batch, i) => batch.firstRowNumber === i * 5000 + 1 && batch.rows.length === 5000));
  });

  test('snappy, gzip and brotli are read; codecs DMS lacks are named with the column', async () => {
    for (const codec of ['snappy', 'gzip', 'brotli'] as const) {
      const { rows } = await readAllBatches(parquetFile(100, codec));
      assert.deepEqual(rows[99], [99, 'n99', 24.75, false], codec);
    }
    await assertRejects(parquetFile(100, 'zstd'), {}, 'PARQUET_UNSUPPORTED_COMPRESSION', /^Column "id" of the Parquet file is compressed with ZSTD, which DMS cannot read/);
  });

  test('a damaged or cut file is refused as such', async () => {
    await assertRejects(Buffer.from('PAR1 not really parquet PAR1'), {}, 'PARQUET_CORRUPT', /footer .* cannot be decoded/);
    const good = parquetFile(100, 'snappy');
    await assertRejects(good.subarray(0, good.length - 10), { format: 'parquet' }, 'PARQUET_TRUNCATED', /cut off/);
    await assertRejects(good.subarray(0, 8), { format: 'parquet' }, 'PARQUET_TRUNCATED', /only 8 bytes/);
  });

  test('fuzzed: cut and bit-flipped files are read or refused, never with JavaScript words', async () => {
    let seed = 12_345;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * below);
    };
    const outcomes = new Map<string, number>();
    for (const codec of ['uncompressed', 'snappy'] as const) {
      const good = parquetFile(2000, codec);
      for (let round = 0; round < 120; round++) {
        let bytes: Buffer;
        if (round < 20) bytes = good.subarray(0, random(good.length));
        else {
          bytes = Buffer.from(good);
          // Half the flips land in the footer, where the metadata lives; the rest anywhere.
          const span = round % 2 === 0 ? 1024 : bytes.length;
          for (let flips = 1 + random(3); flips > 0; flips--) bytes[bytes.length - 1 - random(span)] ^= 1 << random(8);
        }
        const outcome = await readAllBatches(bytes, { format: 'parquet' }).then(
          () => 'read',
          (error: unknown) => {
            assert.ok(isAppError(error), `round ${round}: not an AppError: ${String(error)}`);
            assert.equal(error.status, 422);
            assert.match(error.code, /^(PARQUET_|EMPTY_TABLE$)/);
            assert.doesNotMatch(error.message, /Cannot read properties|undefined|is not a function|NaN|TypeError|RangeError/, `round ${round}`);
            return error.code;
          },
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
    // The fuzz reaches the footer checks, the metadata decoder and the row decoder.
    for (const code of ['PARQUET_TRUNCATED', 'PARQUET_CORRUPT']) assert.ok((outcomes.get(code) ?? 0) > 0, JSON.stringify([...outcomes]));
  });
});
