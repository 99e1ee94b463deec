import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyPipeline, frameFromRecords, frameFromRows, frameToRecords, InMemorySeenKeys, parsePipeline, previewPipeline,
  validatePipeline, type Frame,
} from '../../../src/frame/index.js';
import { AppError } from '../../../src/errors.js';

const people = (): Frame => frameFromRecords([
  { First: 'Ada', Last: 'Lovelace', Email: 'ada@x.org', Amount: '10', Country: 'GB' },
  { First: 'Grace', Last: null, Email: 'grace@x.org', Amount: 'n/a', Country: 'US' },
  { First: 'Zoë', Last: 'Ødegaard', Email: 'ADA@x.org', Amount: '30', Country: 'GB' },
]);

describe('column steps', () => {
  test('select, drop, reorder, rename', async () => {
    const { frame } = await applyPipeline(people(), [
      { op: 'select', columns: ['Email', 'First', 'Last'] },
      { op: 'drop', columns: ['Last'] },
      { op: 'reorder', columns: ['First'] },
      { op: 'rename', mapping: { First: 'FirstName' } },
    ]);
    assert.deepEqual(frame.columns, ['FirstName', 'Email']);
    assert.deepEqual(frame.data[0], ['Ada', 'Grace', 'Zoë']);
  });

  test('a missing column or a rename collision is a pipeline error naming the column', async () => {
    await assert.rejects(applyPipeline(people(), [{ op: 'select', columns: ['Nope'] }]), (e: AppError) => e.code === 'PIPELINE_INVALID' && /'Nope'/.test(e.message));
    await assert.rejects(applyPipeline(people(), [{ op: 'rename', mapping: { First: 'Last' } }]), /two columns named 'Last'/);
  });

  test('concat skips nulls by default; split keeps the remainder in the last column', async () => {
    const { frame } = await applyPipeline(people(), [
      { op: 'concat', columns: ['First', 'Last'], into: 'Full', separator: ' ', skipNulls: true },
      { op: 'split', column: 'Email', separator: '@', into: ['User', 'Domain'] },
      { op: 'split', column: 'Full', separator: ' ', into: ['OnlyOne'] },
    ]);
    const records = frameToRecords(frame);
    assert.deepEqual(records.map((r) => r.Full), ['Ada Lovelace', 'Grace', 'Zoë Ødegaard']);
    assert.deepEqual(records.map((r) => r.Domain), ['x.org', 'x.org', 'x.org']);
    assert.equal(records[0].OnlyOne, 'Ada Lovelace');
    const nulls = await applyPipeline(frameFromRows(['a', 'b'], [[null, null]]), [
      { op: 'concat', columns: ['a', 'b'], into: 'c', separator: '-', skipNulls: false },
      { op: 'split', column: 'a', separator: ',', into: ['x', 'y'] },
    ]);
    assert.deepEqual(frameToRecords(nulls.frame)[0], { a: null, b: null, c: null, x: null, y: null });
  });
});

describe('row steps', () => {
  test('filter keeps true rows and reports the others as skipped, with their dataset row numbers', async () => {
    const frame = frameFromRows(['n'], [['5'], ['abc'], ['50'], [null]], 101);
    const result = await applyPipeline(frame, [{ op: 'filter', expression: 'n * 1 > 10' }]);
    assert.deepEqual(result.frame.rows, [103]);
    assert.deepEqual(result.skipped.map((s) => s.row), [101, 102, 104]);
    assert.match(result.skipped[1].reason, /could not be evaluated.*not a number/);
  });

  test('derive writes a new column; a bad row gets null and an issue', async () => {
    const result = await applyPipeline(people(), [{ op: 'derive', column: 'Double', expression: 'Amount * 2' }]);
    assert.deepEqual(result.frame.data[5], [20, null, 60]);
    const i18n = { key: 'row.expr.valueNotANumber', params: { value: 'n/a' } };
    assert.deepEqual(result.rowIssues, [{ row: 2, column: 'Double', code: 'DERIVE_EXPRESSION_ERROR', message: "value 'n/a' is not a number", i18n }]);
  });

  test('dedupe holds across chunks through the shared SeenKeys, case-insensitively on request', async () => {
    const seenKeys = new InMemorySeenKeys();
    const step = [{ op: 'dedupe' as const, keys: ['Email'], caseInsensitive: true }];
    const first = await applyPipeline(people(), step, { seenKeys });
    assert.deepEqual(first.frame.rows, [1, 2]);
    const i18n = { key: 'row.skip.duplicate', params: { keys: 'Email' } };
    assert.deepEqual(first.skipped, [{ row: 3, reason: 'duplicate of an earlier row by Email', i18n }]);
    const chunk2 = frameFromRecords([{ Email: 'grace@X.org' }, { Email: null }, { Email: null }, { Email: 'new@x.org' }], 4);
    const second = await applyPipeline(chunk2, step, { seenKeys });
    assert.deepEqual(second.frame.rows, [5, 6, 7]);
  });

  test('dedupe is idempotent when a chunk is processed again after a crash', async () => {
    const seenKeys = new InMemorySeenKeys();
    const step = [{ op: 'dedupe' as const, keys: ['Email'] }];
    const once = await applyPipeline(people(), step, { seenKeys });
    const again = await applyPipeline(people(), step, { seenKeys });
    assert.deepEqual(again.frame.rows, once.frame.rows);
  });

  test('sort is stable, numeric where values are numbers, nulls last', async () => {
    const frame = frameFromRows(['k', 'v'], [['10', 'a'], [null, 'b'], ['9', 'c'], ['10', 'd']]);
    const asc = await applyPipeline(frame, [{ op: 'sort', by: [{ column: 'k' }] }]);
    assert.deepEqual(asc.frame.data[1], ['c', 'a', 'd', 'b']);
    const desc = await applyPipeline(frame, [{ op: 'sort', by: [{ column: 'k', descending: true }] }]);
    assert.deepEqual(desc.frame.data[1], ['a', 'd', 'c', 'b']);
  });

  test('aggregate: count, sum, min, max, avg by group; nulls ignored, non-numbers reported', async () => {
    const { frame, rowIssues } = await applyPipeline(people(), [{
      op: 'aggregate', groupBy: ['Country'],
      aggregations: [
        { fn: 'count', as: 'rows' }, { fn: 'count', column: 'Last', as: 'withLast' }, { fn: 'sum', column: 'Amount', as: 'total' },
        { fn: 'avg', column: 'Amount', as: 'mean' }, { fn: 'min', column: 'First', as: 'first' }, { fn: 'max', column: 'Amount', as: 'top' },
      ],
    }]);
    assert.deepEqual(frameToRecords(frame), [
      { Country: 'GB', rows: 2, withLast: 2, total: 40, mean: 20, first: 'Ada', top: '30' },
      { Country: 'US', rows: 1, withLast: 0, total: null, mean: null, first: 'Grace', top: 'n/a' },
    ]);
    assert.equal(rowIssues.length, 2);
    await assert.rejects(applyPipeline(people(), [{ op: 'aggregate', groupBy: [], aggregations: [{ fn: 'sum', as: 's' }] }]), /need a column/);
  });
});

describe('pipeline validation and preview', () => {
  test('validatePipeline lists every problem with its step', () => {
    const { problems } = validatePipeline([
      { op: 'filter', expression: 'a >' },
      { op: 'cast', columns: ['d'], to: 'datetime', timeZone: 'Mars/Olympus', format: 'HH:mm' },
      { op: 'trim', columns: ['x'] },
    ]);
    assert.deepEqual(problems.map((p) => [p.step, p.op]), [[0, 'filter'], [1, 'cast'], [1, 'cast']]);
    assert.match(problems[2].message, /unknown time zone 'Mars\/Olympus'/);
    assert.equal(validatePipeline([{ op: 'explode' }]).problems.length, 1);
    assert.throws(() => parsePipeline([{ op: 'derive', column: 'x', expression: 'foo(1)' }]), /step 1 \(derive\): unknown function 'foo'/);
  });

  test('previewPipeline runs sample rows through the pipeline with a fresh seen-keys set', async () => {
    const pipeline = [{ op: 'dedupe', keys: ['e'] }, { op: 'case', columns: ['e'], mode: 'upper' }];
    for (let i = 0; i < 2; i++) {
      const result = await previewPipeline(['e'], [['a'], ['a'], ['b']], pipeline);
      assert.deepEqual(result.frame.data[0], ['A', 'B']);
    }
    await assert.rejects(previewPipeline(['e'], [['a']], [{ op: 'trim' }]), AppError);
  });
});
