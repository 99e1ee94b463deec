import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpression, compileExpression, ExpressionError, type Value } from '../../../src/frame/index.js';
import { RowEvalError } from '../../../src/frame/expression/values.js';

const env = { now: new Date('2024-06-30T23:30:00Z'), timeZone: 'UTC' };
const columns = ['Amount', 'Qty', 'Name', 'Born', 'Empty', 'Stage Name'];
const row: Value[] = ['12.5', 4, 'Zoë Ødegaard', '1990-02-28', null, 'Closed Won'];
const data = row.map((v) => [v]);
const ev = (source: string, env2 = env): Value => compileExpression(source, columns, env2)(data, 0);

describe('expression language', () => {
  test('arithmetic with precedence, numeric strings read as numbers', () => {
    assert.equal(ev('Amount * Qty + 1'), 51);
    assert.equal(ev('(Amount + 0.5) * -2'), -26);
    assert.equal(ev('10 % 4 - 2 / 4'), 1.5);
  });

  test('comparison and boolean logic, words and symbols', () => {
    assert.equal(ev('Amount > 10 and Qty <= 4'), true);
    assert.equal(ev('Amount > 100 || not (Qty = 4)'), false);
    assert.equal(ev("Name != 'x' && [Stage Name] == 'Closed Won'"), true);
    assert.equal(ev('`Stage Name` <> "Closed Won"'), false);
    assert.equal(ev('Born < "2000-01-01"'), true);
  });

  test('null semantics: arithmetic and ordering give null, equality and isnull see it', () => {
    assert.equal(ev('Empty + 1'), null);
    assert.equal(ev('Empty > 1'), null);
    assert.equal(ev('Empty = null'), true);
    assert.equal(ev('isnull(Empty) and not isnull(Name)'), true);
    assert.equal(ev("coalesce(Empty, '', 'fallback')"), 'fallback');
    assert.equal(ev('upper(Empty)'), null);
    assert.equal(ev("concat(Empty, 'a', Qty)"), 'a4');
  });

  test('string functions are unicode-aware (code points, not UTF-16 units)', () => {
    assert.equal(ev('upper(Name)'), 'ZOË ØDEGAARD');
    assert.equal(ev('len(Name)'), 12);
    assert.equal(ev("len('🚀a')"), 2);
    assert.equal(ev('left(Name, 3)'), 'Zoë');
    assert.equal(ev("right('a🚀', 1)"), '🚀');
    assert.equal(ev("substr(Name, 5, 3)"), 'Øde');
    assert.equal(ev("contains(lower(Name), 'ødeg') and startswith(Name, 'Z') and endswith(Name, 'rd')"), true);
    assert.equal(ev("replace(trim('  a-b '), '-', '+')"), 'a+b');
    assert.equal(ev("if(Qty > 3, 'big', 'small')"), 'big');
    assert.equal(ev('round(2.345, 2) + abs(-1) + floor(1.9) + ceil(0.1)'), 5.35);
  });

  test('date functions work on calendar dates; today() follows the zone', () => {
    assert.equal(ev('year(Born) * 10000 + month(Born) * 100 + day(Born)'), 19900228);
    assert.equal(ev("date_add(Born, 1)"), '1990-03-01');
    assert.equal(ev("date_add('2024-01-31', 1, 'month')"), '2024-02-29');
    assert.equal(ev("date_add(Born, -1, 'years')"), '1989-02-28');
    assert.equal(ev("date_diff('2024-01-01', '2024-03-01')"), 60);
    assert.equal(ev("date_diff(Born, today(), 'year')"), 34);
    assert.equal(ev('today()'), '2024-06-30');
    assert.equal(ev('today()', { ...env, timeZone: 'Asia/Tokyo' }), '2024-07-01');
  });

  test('bad values in a row throw RowEvalError (the step turns it into a row issue)', () => {
    assert.throws(() => ev('Name * 2'), RowEvalError);
    assert.throws(() => ev('Qty / 0'), RowEvalError);
    assert.throws(() => ev('year(Name)'), RowEvalError);
    assert.throws(() => ev("date_add(Born, 1, 'week')"), RowEvalError);
  });

  test('syntax, unknown functions, arities and unknown columns are errors before any row', () => {
    for (const bad of ['1 +', '(1', "'open", 'a $ b', 'upper()', 'nosuch(1)', 'left(Name)', '1 2']) {
      assert.throws(() => checkExpression(bad), ExpressionError, bad);
    }
    assert.throws(() => compileExpression('Missing > 1', columns, env), /unknown column 'Missing'/);
  });

  test('never evaluated as JavaScript: JS-looking input is only names and text', () => {
    assert.throws(() => compileExpression('constructor', columns, env), /unknown column/);
    assert.throws(() => checkExpression("process.exit(1)"), /unknown function 'process.exit'/);
    assert.throws(() => checkExpression('this["x"]'), ExpressionError);
    assert.equal(ev("'); process.exit(1); ('"), '); process.exit(1); (');
  });

  test('column names resolve case-insensitively when there is no exact match', () => {
    assert.equal(ev('qty + QTY'), 8);
  });

  test('deep nesting is refused instead of overflowing the stack', () => {
    assert.throws(() => checkExpression(`${'('.repeat(200)}1${')'.repeat(200)}`), /nested too deeply/);
  });
});
