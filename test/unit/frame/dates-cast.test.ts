import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPipeline, frameFromRows, type Pipeline, type Value } from '../../../src/frame/index.js';
import { compileDateFormat, parseWallTime, wallTimeToEpoch } from '../../../src/frame/dates.js';

async function castColumn(values: Value[], step: Omit<Extract<Pipeline[number], { op: 'cast' }>, 'op' | 'columns'>) {
  const frame = frameFromRows(['v'], values.map((v) => [v]));
  const result = await applyPipeline(frame, [{ op: 'cast', columns: ['v'], ...step }]);
  return { values: result.frame.data[0], issues: result.rowIssues };
}

describe('date parsing', () => {
  test('explicit formats read day-first and month-first exactly as written', () => {
    const dmy = compileDateFormat('DD/MM/YYYY');
    assert.deepEqual(parseWallTime('03/04/2024', { format: dmy })?.month, 4);
    const mdy = compileDateFormat('MM/DD/YYYY');
    assert.deepEqual(parseWallTime('03/04/2024', { format: mdy })?.month, 3);
    assert.equal(parseWallTime('2024-13-01', {}), null);
    assert.equal(parseWallTime('29/02/2023', { format: dmy }), null);
    assert.equal(parseWallTime('29/02/2024', { format: dmy })?.day, 29);
  });

  test('a format without year, month and day is refused', () => {
    assert.throws(() => compileDateFormat('DD/MM'), /needs a year/);
  });

  test('wall time in a zone becomes the right UTC instant, across DST', () => {
    const summer = parseWallTime('2024-07-01 09:30', {});
    assert.ok(summer);
    assert.equal(new Date(wallTimeToEpoch(summer, 'Europe/Paris')).toISOString(), '2024-07-01T07:30:00.000Z');
    const winter = parseWallTime('2024-01-15 09:30', {});
    assert.ok(winter);
    assert.equal(new Date(wallTimeToEpoch(winter, 'America/New_York')).toISOString(), '2024-01-15T14:30:00.000Z');
  });
});

describe('cast step', () => {
  test('date: calendar dates never shift, whatever the zone or an offset in the text', async () => {
    const { values, issues } = await castColumn(
      ['01/03/2024', '31/12/1999 23:59', '', null, '2024-03-01T23:30:00-05:00', new Date(Date.UTC(2024, 0, 1, 23, 30))],
      { to: 'date', order: 'DMY', timeZone: 'Pacific/Kiritimati' },
    );
    assert.deepEqual(values, ['2024-03-01', '1999-12-31', null, null, '2024-03-01', '2024-01-02']);
    assert.deepEqual(issues, []);
  });

  test('date: bad values become null with a row issue, never an exception', async () => {
    const { values, issues } = await castColumn(['31/02/2024', 'soon', 42, true], { to: 'date', format: 'DD/MM/YYYY' });
    assert.deepEqual(values, [null, null, null, null]);
    assert.deepEqual(issues.map((i) => [i.row, i.code]), [[1, 'CAST_INVALID_DATE'], [2, 'CAST_INVALID_DATE'], [3, 'CAST_INVALID_DATE'], [4, 'CAST_INVALID_DATE']]);
    assert.match(issues[0].message, /expected DD\/MM\/YYYY/);
  });

  test('datetime: wall time in a named zone to ISO UTC; explicit offsets win', async () => {
    const { values } = await castColumn(
      ['03/10/2024 08:00', '2024-10-03T08:00:00Z', '2024-10-03T08:00:00+02:00'],
      { to: 'datetime', order: 'MDY', timeZone: 'Asia/Tokyo' },
    );
    assert.deepEqual(values, ['2024-03-09T23:00:00.000Z', '2024-10-03T08:00:00.000Z', '2024-10-03T06:00:00.000Z']);
  });

  test('number: separators, signs, exponent; junk, NaN and Infinity are issues', async () => {
    const { values, issues } = await castColumn(
      ['1 234,5', '-0,25', '', null, 7, true, 'abc', 'NaN', '1e3'],
      { to: 'number', decimalSeparator: ',', thousandsSeparator: ' ' },
    );
    assert.deepEqual(values, [1234.5, -0.25, null, null, 7, 1, null, null, 1000]);
    assert.deepEqual(issues.map((i) => i.code), ['CAST_NOT_A_NUMBER', 'CAST_NOT_A_NUMBER']);
  });

  test('integer: whole numbers only, no silent rounding', async () => {
    const { values, issues } = await castColumn(['12', '12.0', '12.5', '9007199254740993'], { to: 'integer' });
    assert.deepEqual(values, [12, 12, null, null]);
    assert.deepEqual(issues.map((i) => i.code), ['CAST_NOT_AN_INTEGER', 'CAST_NOT_AN_INTEGER']);
  });

  test('boolean: default and custom vocabularies, case-insensitive; others are issues', async () => {
    const base = await castColumn(['Yes', 'N', ' TRUE ', '0', 1, 'oui', null], { to: 'boolean' });
    assert.deepEqual(base.values, [true, false, true, false, true, null, null]);
    assert.equal(base.issues[0].code, 'CAST_NOT_A_BOOLEAN');
    const custom = await castColumn(['Oui', 'non'], { to: 'boolean', trueValues: ['oui'], falseValues: ['non'] });
    assert.deepEqual(custom.values, [true, false]);
  });

  test('string: numbers, booleans and dates to text; unicode kept', async () => {
    const { values } = await castColumn([1.5, false, new Date(Date.UTC(2024, 1, 2)), 'Zoë 🚀', null], { to: 'string' });
    assert.deepEqual(values, ['1.5', 'false', '2024-02-02T00:00:00.000Z', 'Zoë 🚀', null]);
  });
});
