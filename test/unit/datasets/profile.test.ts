import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ColumnProfile, DatasetProfiler, inferTextType, widenType } from '../../../src/datasets/profile/index.js';
import { profileTextChars } from '../../../src/datasets/profile/profiler.js';
import type { RowBatch } from '../../../src/datasets/readers/index.js';
import { readAllBatches } from './helpers.js';

const batch = (columns: string[], rows: RowBatch['rows'], firstRowNumber = 1): RowBatch => ({ columns, rows, issues: [], firstRowNumber });

describe('column profile', () => {
  test('infers types from text and widens them', () => {
    assert.deepEqual(['12', '-3', '1.5e3', '.5', 'TRUE', '2024-02-29', '2024-02-29T10:00:00Z', '2024-02-30x', '', ' 7 '].map(inferTextType),
      ['integer', 'integer', 'number', 'number', 'boolean', 'date', 'datetime', 'string', 'empty', 'integer']);
    assert.equal(widenType('integer', 'number'), 'number');
    assert.equal(widenType('date', 'datetime'), 'datetime');
    assert.equal(widenType('integer', 'boolean'), 'string');
    assert.equal(widenType('empty', 'date'), 'date');
  });

  test('long values cut from the parsed text keep their exact content in distinct counts, examples and min/max', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `Company number ${String(i).padStart(4, '0')} Limited, Zoë & 客户`);
    const csv = `id,company\n${Array.from({ length: 4000 }, (_, i) => `${i},"${names[Math.floor(i / 100)]}"`).join('\n')}\n`;
    const profiler = new DatasetProfiler();
    for (const read of (await readAllBatches(csv, {}, 4096)).batches) profiler.add(read);
    const company = profiler.result()[1];
    assert.deepEqual([company.type, company.count, company.distinct, company.distinctExact], ['string', 4000, 40, true]);
    assert.deepEqual([company.min, company.max], [names[0], names[39]]);
    assert.deepEqual(company.examples, names.slice(0, 5));
  });

  test('long texts are kept cut to 64 characters and marked; the distinct count still tells them apart', () => {
    // 300 values of 100,000 characters that differ only in their last five.
    const values = Array.from({ length: 300 }, (_, i) => `${'k'.repeat(99_995)}${String(299 - i).padStart(5, '0')}`);
    const profiler = new DatasetProfiler();
    profiler.add(batch(['long', 'short'], values.map((value, i) => [value, `v${i % 3}`])));
    const [long, short] = profiler.result();
    assert.deepEqual([long.distinct, long.distinctExact], [300, true]);
    assert.equal(long.min, `${'k'.repeat(64)}…`);
    assert.equal(long.max, `${'k'.repeat(64)}…`);
    assert.deepEqual(long.examples, [`${'k'.repeat(64)}…`]);
    assert.deepEqual([short.min, short.max, short.examples], ['v0', 'v2', ['v0', 'v1', 'v2']]);
    const mixed = new DatasetProfiler();
    mixed.add(batch(['t'], [[`b${'x'.repeat(80)}`], ['a'], [`c${'😀'.repeat(40)}`], ['z']]));
    const [t] = mixed.result();
    assert.deepEqual([t.min, t.max], ['a', 'z']);
    // A cut never splits a surrogate pair: 63 units (31 emoji after the c), then the mark.
    assert.deepEqual(t.examples, [`b${'x'.repeat(63)}…`, 'a', `c${'😀'.repeat(31)}…`, 'z']);
  });

  test('a wide file keeps shorter texts: 100,000 characters over all columns', () => {
    assert.deepEqual([10, 223, 224, 1000].map(profileTextChars), [64, 64, 63, 14]);
    const columns = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const profiler = new DatasetProfiler();
    profiler.add(batch(columns, [columns.map(() => 'q'.repeat(500))]));
    const profile = profiler.result();
    assert.equal(profile[999].min, `${'q'.repeat(14)}…`);
  });

  test('profiles batches incrementally: counts, nulls, min/max, distinct, examples', () => {
    const profiler = new DatasetProfiler();
    const columns = ['n', 'when', 'label', 'mixed'];
    profiler.add(batch(columns, [['3', '2024-01-05', 'b', '1'], ['10', null, 'a', 'x'], [null, '2023-12-31', 'b', '2']]));
    profiler.add(batch(columns, [['-2.5', '2024-03-01T08:00:00Z', 'c', null]], 4));
    const [n, when, label, mixed] = profiler.result();
    assert.deepEqual(n, { name: 'n', type: 'number', count: 4, nullCount: 1, distinct: 3, distinctExact: true, min: -2.5, max: 10, examples: ['3', '10', '-2.5'] });
    assert.equal(when.type, 'datetime');
    assert.deepEqual([when.min, when.max, when.nullCount], ['2023-12-31', '2024-03-01T08:00:00Z', 1]);
    assert.deepEqual([label.type, label.distinct, label.min, label.max], ['string', 3, 'a', 'c']);
    assert.deepEqual([mixed.type, mixed.min, mixed.max], ['string', '1', 'x']);
    for (const profile of profiler.result()) assert.deepEqual(ColumnProfile.parse(JSON.parse(JSON.stringify(profile))), profile);
  });

  test('typed values (numbers, booleans, dates) and an estimated distinct count past 10,000', () => {
    const profiler = new DatasetProfiler();
    const rows: RowBatch['rows'] = Array.from({ length: 50_000 }, (_, i) => [i, i % 2 === 0, new Date(Date.UTC(2020, 0, 1 + (i % 10)))]);
    profiler.add(batch(['id', 'even', 'day'], rows));
    const [id, even, day] = profiler.result();
    assert.equal(id.type, 'integer');
    assert.equal(id.distinctExact, false);
    assert.ok(Math.abs(id.distinct - 50_000) / 50_000 < 0.05, `estimate ${id.distinct}`);
    assert.deepEqual([id.min, id.max], [0, 49_999]);
    assert.deepEqual([even.type, even.distinct], ['boolean', 2]);
    assert.deepEqual([day.type, day.distinct, day.min], ['date', 10, '2020-01-01T00:00:00.000Z']);
  });

  test('min and max of numeric text equal what Number() reads, for every form a decimal can take', () => {
    const forms = ['-0.5', '+12.340', '007', '1e3', ' 7 ', '123456789012345678', '0.1', '.25', '5.', '-0', '999999999999999', '9007199254740993', '-.75', '3.14159265358979'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 15))));
      const cut = Math.floor(random() * digits.length);
      forms.push(`${random() < 0.3 ? '-' : ''}${digits.slice(0, cut)}${random() < 0.7 ? '.' : ''}${digits.slice(cut)}`);
    }
    const values = forms.filter((text) => inferTextType(text) === 'integer' || inferTextType(text) === 'number');
    const profiler = new DatasetProfiler();
    profiler.add(batch(['x'], values.map((text) => [text])));
    const [x] = profiler.result();
    const numbers = values.map(Number);
    assert.equal(x.type, 'number');
    assert.ok(Object.is(x.min, Math.min(...numbers)) && Object.is(x.max, Math.max(...numbers)), `${String(x.min)} ${String(x.max)}`);
    // Each text alone: its min is exactly Number(text).
    for (const text of values) {
      const alone = new DatasetProfiler();
      alone.add(batch(['x'], [[text]]));
      assert.ok(Object.is(alone.result()[0].min, Number(text)), text);
    }
  });
  test('min and max of text follow JavaScript\'s string order: shared starts, prefixes, CJK, emoji halves', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['Company ', 'Company', 'A', 'a', 'Z', '1', '10', '9', ' ', '東京', '\u{1F600}', '\uD83D', '\uFFFF', '\u00E9', 'e\u0301'];
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let n = Math.floor(random() * 5); n >= 0; n--) text += pieces[Math.floor(random() * pieces.length)];
      // Longer texts arrive as slices of a larger text, as the readers give them.
      texts.push(`${'x'.repeat(40)}${text}`.slice(40));
    }
    const profiler = new DatasetProfiler();
    for (let i = 0; i < texts.length; i += 500) profiler.add(batch(['t'], texts.slice(i, i + 500).map((text) => [text])));
    const [t] = profiler.result();
    const kept = texts.filter((text) => text.trim() !== '');
    const sorted = [...kept].sort();
    assert.equal(t.type, 'string');
    assert.deepEqual([t.min, t.max], [sorted[0], sorted.at(-1)]);
  });
});
