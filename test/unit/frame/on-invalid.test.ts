import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPipeline, frameFromRows, frameToRecords, ROW_ISSUE_CODES, validatePipeline } from '../../../src/frame/index.js';

const one = (values: (string | null)[]) => frameFromRows(['v'], values.map((v) => [v]));

describe("a step's onInvalid", () => {
  test("cast: 'fail' (default) and 'null' both empty the cell; 'null' makes the issue a remark", async () => {
    const failing = await applyPipeline(one(['12', 'x']), [{ op: 'cast', columns: ['v'], to: 'integer' }]);
    assert.deepEqual(failing.frame.data[0], [12, null]);
    assert.deepEqual(failing.rowIssues, [{ row: 2, column: 'v', code: 'CAST_NOT_A_NUMBER', message: "'x' is not an integer" }]);
    const nulled = await applyPipeline(one(['12', 'x']), [{ op: 'cast', columns: ['v'], to: 'integer', onInvalid: 'null' }]);
    assert.deepEqual(nulled.frame.data[0], [12, null]);
    assert.deepEqual(nulled.rowIssues, [{ row: 2, column: 'v', code: 'CAST_NOT_A_NUMBER', message: "'x' is not an integer", remark: true }]);
  });

  test("regexReplace: an over-long value is kept with 'fail', emptied with 'null'", async () => {
    const long = 'a'.repeat(2_001);
    const step = { op: 'regexReplace' as const, columns: ['v'], pattern: 'a', replacement: 'b' };
    const kept = await applyPipeline(one([long]), [step]);
    assert.equal(kept.frame.data[0][0], long);
    assert.equal(kept.rowIssues[0].remark, undefined);
    const nulled = await applyPipeline(one([long]), [{ ...step, onInvalid: 'null' }]);
    assert.equal(nulled.frame.data[0][0], null);
    assert.deepEqual([nulled.rowIssues[0].code, nulled.rowIssues[0].remark], ['REGEX_VALUE_TOO_LONG', true]);
    assert.match(nulled.rowIssues[0].message, /emptied$/);
  });

  test('valueMap and derive mark their issues as remarks with onInvalid null', async () => {
    const result = await applyPipeline(one(['Y', 'maybe']), [
      { op: 'valueMap', columns: ['v'], map: { Y: true }, otherwise: 'null', onInvalid: 'null' },
      { op: 'derive', column: 'd', expression: "'abc' * 2", onInvalid: 'null' },
    ]);
    assert.deepEqual(result.rowIssues.map((i) => [i.row, i.column, i.code, i.remark]), [
      [2, 'v', 'VALUE_MAP_UNMAPPED', true], [1, 'd', 'DERIVE_EXPRESSION_ERROR', true], [2, 'd', 'DERIVE_EXPRESSION_ERROR', true],
    ]);
  });

  test('valueMap names its unmapped issue when asked (the value as written, not folded)', async () => {
    const unmapped = { code: 'RECORD_TYPE_MISSING' as const, message: "no Account record type '{value}'" };
    const step = { op: 'valueMap' as const, columns: ['v'], map: { partner: '012A' }, caseInsensitive: true, otherwise: 'null' as const, unmapped };
    const result = await applyPipeline(one(['Partner', ' Reseller ', null]), [step]);
    assert.deepEqual(result.frame.data[0], ['012A', null, null]);
    assert.deepEqual(result.rowIssues, [{ row: 2, column: 'v', code: 'RECORD_TYPE_MISSING', message: "no Account record type 'Reseller'" }]);
    const unknownCode = validatePipeline([{ ...step, unmapped: { code: 'MY_CODE', message: 'x' } }]);
    assert.equal(unknownCode.problems.length, 1);
  });

  test("aggregate: a non-number is an issue on the group's row and the aggregate's column; 'null' empties the sum", async () => {
    const frame = frameFromRows(['g', 'n'], [['a', '1'], ['a', 'x'], ['b', '2']]);
    const aggregations = [{ fn: 'sum' as const, column: 'n', as: 'total' }];
    const failing = await applyPipeline(frame, [{ op: 'aggregate', groupBy: ['g'], aggregations }]);
    assert.deepEqual(frameToRecords(failing.frame), [{ g: 'a', total: 1 }, { g: 'b', total: 2 }]);
    assert.deepEqual(failing.rowIssues, [
      { row: 1, column: 'total', code: 'AGGREGATE_NOT_A_NUMBER', message: "row 2: value 'x' is not a number; left out of sum" },
    ]);
    const nulled = await applyPipeline(frame, [{ op: 'aggregate', groupBy: ['g'], aggregations, onInvalid: 'null' }]);
    assert.deepEqual(frameToRecords(nulled.frame), [{ g: 'a', total: null }, { g: 'b', total: 2 }]);
    assert.equal(nulled.rowIssues[0].remark, true);
  });

  test('issues follow a later rename, so they name the column the mapping reads', async () => {
    const result = await applyPipeline(one(['31/02/1990']), [
      { op: 'cast', columns: ['v'], to: 'date', order: 'DMY' },
      { op: 'rename', mapping: { v: 'Birthdate' } },
    ]);
    assert.deepEqual(result.rowIssues.map((i) => i.column), ['Birthdate']);
  });

  test('onInvalid accepts fail or null only', () => {
    assert.deepEqual(validatePipeline([{ op: 'cast', columns: ['v'], to: 'date', onInvalid: 'fail' }]).problems, []);
    assert.equal(validatePipeline([{ op: 'cast', columns: ['v'], to: 'date', onInvalid: 'skip' }]).problems.length, 1);
  });

  test('the issue codes are the documented ones (a changed code is a breaking change)', () => {
    assert.deepEqual(Object.values(ROW_ISSUE_CODES).sort(), [
      'AGGREGATE_NOT_A_NUMBER', 'CAST_INVALID_DATE', 'CAST_NOT_AN_INTEGER', 'CAST_NOT_A_BOOLEAN', 'CAST_NOT_A_NUMBER',
      'DERIVE_EXPRESSION_ERROR', 'LOOKUP_AMBIGUOUS', 'LOOKUP_NOT_FOUND', 'LOOKUP_NO_CONNECTION', 'RECORD_TYPE_MISSING',
      'REGEX_VALUE_TOO_LONG', 'VALUE_MAP_UNMAPPED',
    ]);
  });
});
