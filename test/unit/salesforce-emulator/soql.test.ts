import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SoqlSource } from '../../../src/soql/errors.js';
import { parseSoql } from '../../../src/soql/parser.js';
import { dateLiteralRange } from '../../../src/soql/date-literals.js';

const parse = (soql: string) => parseSoql(new SoqlSource(soql));
const errorOf = (soql: string) => {
  try {
    parse(soql);
  } catch (error) {
    return error as { errorCode: string; message: string };
  }
  assert.fail(`no error for ${soql}`);
};

describe('SOQL parser', () => {
  test('clauses in order: fields, subquery, aggregates with aliases, where, group, having, order, limit, offset, for view', () => {
    const q = parse("SELECT Id, Account.Name, (SELECT LastName FROM Contacts WHERE LastName LIKE 'S%' LIMIT 2) FROM Account a "
      + "WHERE (Name = 'O\\'Hara' OR Industry IN ('Banking', 'Energy')) AND NOT CreatedDate < LAST_N_DAYS:30 ORDER BY Name DESC NULLS FIRST, Id "
      + 'LIMIT 10 OFFSET 5 FOR VIEW');
    assert.deepEqual(q.select.map((s) => s.kind), ['field', 'field', 'subquery']);
    assert.equal(q.alias, 'a');
    assert.equal(q.where?.kind, 'and');
    assert.deepEqual(q.orderBy.map((o) => [o.descending, o.nullsLast]), [[true, false], [false, false]]);
    assert.deepEqual([q.limit, q.offset, q.forClause?.kind], [10, 5, 'VIEW']);
    const agg = parse('SELECT Industry, COUNT(Id) n, SUM(AnnualRevenue) FROM Account GROUP BY Industry HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC');
    assert.deepEqual(agg.select.map((s) => (s.kind === 'aggregate' ? `${s.fn}:${s.alias ?? ''}` : s.kind)), ['field', 'COUNT:n', 'SUM:']);
    assert.equal(agg.having?.kind, 'compare');
    assert.equal(parse('select count() from Contact').countOnly, true);
    const semi = parse('SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)');
    assert.equal(semi.where?.kind === 'semiJoin' && semi.where.negate, true);
  });

  test('syntax errors carry MALFORMED_QUERY and the row and column of the offending token', () => {
    const mixed = errorOf("SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' OR Name = 'c'");
    assert.equal(mixed.errorCode, 'MALFORMED_QUERY');
    assert.match(mixed.message, /ERROR at Row:1:Column:56\nunexpected token: 'OR'$/);
    assert.match(errorOf('SELECT FROM Account').message, /Row:1:Column:8\nunexpected token: 'FROM'/);
    assert.match(errorOf('SELECT Id\nFROM Account\nWHERE').message, /^\nWHERE\n {5}\^\nERROR at Row:3:Column:6\nunexpected token: <EOF>$/);
    assert.match(errorOf("SELECT Id FROM Account WHERE Name = 'x").message, /closing quote/);
    assert.match(errorOf("SELECT Id FROM Account WHERE Name = '\\q'").message, /Illegal character sequence '\\q'/);
    assert.match(errorOf('SELECT Id FROM Account WHERE CreatedDate > LAST_N_DAYS').message, /expecting a colon/);
    assert.match(errorOf('SELECT Id FROM Account WHERE CreatedDate > 2020-01-01T10:00').message, /invalid date or dateTime literal/);
    assert.match(errorOf('SELECT Id FROM Account LIMIT x').message, /unexpected token: 'x'/);
    assert.match(errorOf('SELECT Id FROM Account WHERE Id = :accountId').message, /unexpected token: ':'/);
    assert.match(errorOf('SELECT TYPEOF What WHEN Account THEN Name END FROM Event').message, /TYPEOF is not supported by the Local org/);
    assert.match(errorOf('SELECT toLabel(Industry) FROM Account').message, /TOLABEL\(\) is not supported/);
    assert.match(errorOf('SELECT Id FROM Account WITH SECURITY_ENFORCED').message, /WITH is not supported/);
  });
});

describe('SOQL date literals', () => {
  const now = Date.UTC(2024, 4, 15, 13, 30); // Wednesday 15 May 2024, 13:30 GMT
  const range = (name: string, n: number | null = null) => {
    const { start, end } = dateLiteralRange(name, n, now);
    return [new Date(start).toISOString().slice(0, 10), new Date(end).toISOString().slice(0, 10)];
  };

  test('days, weeks (from Sunday), months, quarters and years as half-open ranges', () => {
    assert.deepEqual(range('TODAY'), ['2024-05-15', '2024-05-16']);
    assert.deepEqual(range('YESTERDAY'), ['2024-05-14', '2024-05-15']);
    assert.deepEqual(range('LAST_N_DAYS', 7), ['2024-05-08', '2024-05-16']);
    assert.deepEqual(range('NEXT_N_DAYS', 2), ['2024-05-16', '2024-05-18']);
    assert.deepEqual(range('N_DAYS_AGO', 3), ['2024-05-12', '2024-05-13']);
    assert.deepEqual(range('THIS_WEEK'), ['2024-05-12', '2024-05-19']);
    assert.deepEqual(range('LAST_N_WEEKS', 2), ['2024-04-28', '2024-05-12']);
    assert.deepEqual(range('THIS_MONTH'), ['2024-05-01', '2024-06-01']);
    assert.deepEqual(range('LAST_N_MONTHS', 2), ['2024-03-01', '2024-05-01']);
    assert.deepEqual(range('THIS_QUARTER'), ['2024-04-01', '2024-07-01']);
    assert.deepEqual(range('LAST_FISCAL_QUARTER'), ['2024-01-01', '2024-04-01']);
    assert.deepEqual(range('LAST_YEAR'), ['2023-01-01', '2024-01-01']);
    assert.deepEqual(range('NEXT_N_YEARS', 2), ['2025-01-01', '2027-01-01']);
    assert.deepEqual(range('LAST_90_DAYS'), ['2024-02-15', '2024-05-16']);
  });
});
