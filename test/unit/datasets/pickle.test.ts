import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertRejects, readAllBatches } from './helpers.js';

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../../fixtures/datasets', name));

const FRAME_COLUMNS = ['id', 'small', 'price', 'active', 'name', 'joined', 'zoned'];
const FRAME_ROWS = [
  [1, -1, 1.5, true, 'Ada', new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T09:00:00Z')],
  [2, 0, null, false, null, null, null],
  [3, 127, -2.25, true, 'Zoë', new Date('1999-12-31T00:00:00Z'), new Date('2024-05-31T22:00:00Z')],
];

describe('pickle reader', () => {
  for (const file of ['frame-p0-pd1.pkl', 'frame-p2-pd1.pkl', 'frame-p4-pd1.pkl', 'frame-p5-pd1.pkl', 'frame-p2-numpy2-paths.pkl']) {
    test(`rebuilds a pandas DataFrame: ${file} (NaN, NaT, None -> null; RangeIndex dropped)`, async () => {
      const { columns, rows } = await readAllBatches(fixture(file));
      assert.deepEqual(columns, FRAME_COLUMNS);
      assert.deepEqual(rows, FRAME_ROWS);
    });
  }

  test('a named index becomes the first column, or is dropped by option', async () => {
    const kept = await readAllBatches(fixture('frame-named-index-pd1.pkl'));
    assert.deepEqual(kept.columns, FRAME_COLUMNS.slice(0, 6));
    assert.deepEqual(kept.rows.map((row) => row[0]), [1, 2, 3]);
    const dropped = await readAllBatches(fixture('frame-named-index-pd1.pkl'), { pickleIndex: 'drop' });
    assert.deepEqual(dropped.columns, FRAME_COLUMNS.slice(1, 6));
  });

  test('categorical, nullable Int64 and float32 columns', async () => {
    const { columns, rows } = await readAllBatches(fixture('frame-extension-pd1.pkl'));
    assert.deepEqual(columns, ['grade', 'count', 'ratio']);
    assert.deepEqual(rows, [['b', 1, 0.5], ['a', null, 1.5], [null, 3, 2.5], ['b', 4, 3.5]]);
  });

  test('list of dicts: big integers, negative LONG1 values and a "__proto__" key stay data', async () => {
    const { columns, rows } = await readAllBatches(fixture('list-of-dicts.pkl'));
    assert.deepEqual(columns, ['name', 'big', 'neg', '__proto__', 'when']);
    assert.deepEqual(rows, [
      ['Ada', '1180591620717411303424', -1099511627776, 'plain key', new Date('2024-01-02T00:00:00Z')],
      ['Bob', 1, -1, 'again', null],
    ]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('dict of lists (with a numpy array) and lists of rows', async () => {
    assert.deepEqual((await readAllBatches(fixture('dict-of-lists.pkl'))).rows, [[1, 'x', 0.5], [2, 'y', 1], [3, null, null]]);
    const tuples = await readAllBatches(fixture('list-of-tuples-p0.pkl'));
    assert.deepEqual([tuples.columns, tuples.rows], [['name', 'age'], [['Ada', 36], ['Bob', 41]]]);
    const lists = await readAllBatches(fixture('list-of-lists-p1.pkl'));
    assert.deepEqual([lists.columns, lists.rows], [['column_1', 'column_2'], [[1, 'one'], [2, 'two']]]);
  });

  test('hostile pickles are refused, naming the global, and run nothing', async () => {
    await assertRejects(fixture('hostile-os-system-p0.pkl'), {}, 'PICKLE_FORBIDDEN_GLOBAL', /byte offset 0 \(opcode GLOBAL\): the pickle asks for os\.system,/);
    await assertRejects(fixture('hostile-os-system.pkl'), {}, 'PICKLE_FORBIDDEN_GLOBAL', /asks for posix\.system,/);
    await assertRejects(fixture('hostile-eval.pkl'), {}, 'PICKLE_FORBIDDEN_GLOBAL', /opcode STACK_GLOBAL\): the pickle asks for builtins\.eval,/);
    await assertRejects(fixture('hostile-popen-p4.pkl'), {}, 'PICKLE_FORBIDDEN_GLOBAL', /asks for subprocess\.Popen,/);
  });

  test('a truncated pickle is reported with its byte offset', async () => {
    const whole = fixture('frame-p5-pd1.pkl');
    await assertRejects(whole.subarray(0, 700), { format: 'pickle' }, 'PICKLE_TRUNCATED', /^Pickle byte offset \d+ \(opcode \w+\): the pickle ends early \(it has 700 bytes\)/);
    await assertRejects(whole.subarray(0, whole.length - 1), { format: 'pickle' }, 'PICKLE_TRUNCATED', /ends early/);
  });

  test('hand-written opcodes: LONG4, unicode escapes, sets, and an unknown opcode', async () => {
    const long4 = Buffer.concat([Buffer.from([0x80, 2, 0x5d, 0x28, 0x8b, 9, 0, 0, 0]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0x80]), Buffer.from("V\\u00e9t\\u00e9\n\x8f(K\x01\x90e.", 'latin1')]);
    const { rows } = await readAllBatches(long4, { format: 'pickle' });
    assert.deepEqual(rows, [['-2361183241434822606848'], ['été'], ['[1]']]);
    await assertRejects(Buffer.from([0x80, 2, 0xff]), { format: 'pickle' }, 'PICKLE_CORRUPT', /byte offset 2 .*unknown opcode 0xff/);
    await assertRejects(Buffer.from([0x80, 2, 0x4b, 1, 0x2e]), { format: 'pickle' }, 'PICKLE_NOT_A_TABLE', /holds a single number, not a table/);
  });
});
