import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { insertRecord, type WriteContext } from '../../../src/salesforce-emulator/data/dml.js';
import { RecordsStore } from '../../../src/salesforce-emulator/data/records-store.js';
import { jsonColumns } from '../../../src/salesforce-emulator/data/validate-record.js';
import { loadSchema } from '../../../src/salesforce-emulator/describe/index.js';
import { columnsMetadata, recordJson, runSoql, type QueryOutcome } from '../../../src/salesforce-emulator/soql/index.js';

let store: RecordsStore;
const ids: Record<string, string> = {};

function insert(object: string, record: Record<string, unknown>): string {
  const table = store.table(object)!;
  const parsed = jsonColumns(store, table, record);
  if (!('columns' in parsed)) throw new Error(parsed.message);
  const ctx: WriteContext = { store, userId: '005000000000001AAA', lockRatio: 0, random: Math.random };
  const outcome = insertRecord(ctx, table, parsed.columns, parsed.values, 'json');
  if (!outcome.id) throw new Error(JSON.stringify(outcome.errors));
  return outcome.id;
}

const records = (outcome: QueryOutcome) => {
  const count = outcome.kind === 'aggregate' ? outcome.groups.length : outcome.rows.length;
  return Array.from({ length: count }, (_, i) => recordJson(outcome, i, 'v62.0'));
};
const query = (soql: string) => records(runSoql(store, soql));
const names = (soql: string) => query(soql).map((r) => r.Name ?? r.LastName);
const failure = (soql: string) => {
  try {
    runSoql(store, soql);
  } catch (error) {
    const { errorCode, message } = error as { errorCode: string; message: string };
    return `${errorCode}: ${message.split('\n').slice(3).join(' | ').replace(/^ERROR at Row:1:Column:\d+ \| /, '')}`;
  }
  assert.fail(`no error for ${soql}`);
};

describe('SOQL evaluation', () => {
  before(async () => {
    store = new RecordsStore(await loadSchema());
    ids.acme = insert('Account', { Name: 'Acme', Industry: 'Banking', NumberOfEmployees: 10, AnnualRevenue: 100, SLAExpirationDate__c: '2024-01-31' });
    ids.beta = insert('Account', { Name: 'Beta', Industry: 'Banking', NumberOfEmployees: 5 });
    ids.gamma = insert('Account', { Name: 'Gamma', Industry: 'Energy', NumberOfEmployees: 7, AnnualRevenue: 50 });
    insert('Contact', { LastName: 'Smith', AccountId: ids.acme });
    insert('Contact', { LastName: 'Jones', AccountId: ids.acme });
    insert('Contact', { LastName: 'Solo' });
  });

  test('parent paths nest under the relationship; a missing parent is null', () => {
    const rows = query('SELECT LastName, Account.Name, Account.Owner.Id FROM Contact ORDER BY Account.Name NULLS LAST, LastName');
    assert.deepEqual(rows.map((r) => (r.Account as { Name: string } | null)?.Name ?? null), ['Acme', 'Acme', null]);
    assert.deepEqual(Object.keys(rows[0].Account as object), ['attributes', 'Name', 'Owner']);
  });

  test('child subqueries give {totalSize, done, records} or null', () => {
    const rows = query('SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName LIMIT 5) FROM Account ORDER BY Name');
    assert.deepEqual((rows[0].Contacts as { records: { LastName: string }[] }).records.map((c) => c.LastName), ['Jones', 'Smith']);
    assert.equal((rows[0].Contacts as { totalSize: number }).totalSize, 2);
    assert.equal(rows[1].Contacts, null);
    assert.match(failure('SELECT Name, (SELECT Id FROM Nope) FROM Account'), /^INVALID_TYPE: Didn't understand relationship 'Nope' in FROM part/);
  });

  test('aggregates: GROUP BY, HAVING, aliases and expr0 names, ORDER BY an aggregate', () => {
    assert.deepEqual(query('SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total, AVG(NumberOfEmployees), MAX(Name) FROM Account GROUP BY Industry ORDER BY COUNT(Id) DESC'), [
      { attributes: { type: 'AggregateResult' }, Industry: 'Banking', expr0: 2, total: 100, expr1: 7.5, expr2: 'Beta' },
      { attributes: { type: 'AggregateResult' }, Industry: 'Energy', expr0: 1, total: 50, expr1: 7, expr2: 'Gamma' },
    ]);
    assert.deepEqual(query('SELECT Industry FROM Account GROUP BY Industry HAVING COUNT(Id) > 1').map((r) => r.Industry), ['Banking']);
    assert.deepEqual(query('SELECT COUNT_DISTINCT(Industry) n, MIN(NumberOfEmployees) FROM Account'), [{ attributes: { type: 'AggregateResult' }, n: 2, expr0: 5 }]);
    assert.deepEqual(query('SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name ORDER BY Account.Name NULLS LAST').map((r) => r.Name), ['Acme', null]);
    assert.equal(runSoql(store, "SELECT COUNT() FROM Account WHERE Industry = 'Banking'").totalSize, 2);
    assert.match(failure('SELECT Name, COUNT(Id) FROM Account'), /^MALFORMED_QUERY: Field must be grouped or aggregated: Name$/);
    assert.match(failure('SELECT SUM(Name) FROM Account'), /^MALFORMED_QUERY: field Name does not support aggregate operator SUM$/);
    assert.match(failure('SELECT MAX(CreatedDate) FROM Account LIMIT 1'), /needs a GROUP BY/);
    assert.match(failure('SELECT AnnualRevenue, COUNT(Id) FROM Account GROUP BY AnnualRevenue'), /field 'AnnualRevenue' can not be grouped/);
    assert.match(failure('SELECT Id, COUNT() FROM Account'), /COUNT\(\) must be the only item/);
    assert.match(failure('SELECT Industry FROM Account GROUP BY Industry HAVING Name = \'x\''), /Having field must be grouped or aggregated: Name/);
  });

  test('semi-joins and anti-joins on id fields', () => {
    assert.deepEqual(names('SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)'), ['Acme']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name'), ['Beta', 'Gamma']);
    assert.match(failure('SELECT Name FROM Account WHERE Id IN (SELECT LastName FROM Contact)'), /^INVALID_FIELD: semi join sub selects can only query id fields, cannot use: 'LastName'$/);
    assert.match(failure('SELECT Name FROM Account WHERE Id IN (SELECT Id FROM Account)'), /^INVALID_QUERY_FILTER_OPERATOR: The inner and outer selects should not be on the same object type$/);
    assert.match(failure('SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT ContactId FROM Case))'), /Nesting of semi join/);
  });

  test('a value of the wrong type in WHERE is refused with the field, the expected type and the column', () => {
    assert.throws(() => runSoql(store, 'SELECT Id FROM Account WHERE Name = 1'), {
      errorCode: 'INVALID_FIELD',
      message: '\nSELECT Id FROM Account WHERE Name = 1\n' + `${' '.repeat(36)}^\nERROR at Row:1:Column:37\n`
        + "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
    });
    assert.match(failure("SELECT Id FROM Account WHERE NumberOfEmployees = '5'"), /field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes/);
    assert.match(failure("SELECT Id FROM Account WHERE Active__c = 'true'"), /must be of type boolean and should not be enclosed in quotes/);
    assert.match(failure('SELECT Id FROM Account WHERE CreatedDate > 2020-01-01'), /^INVALID_FIELD: value of filter criterion for field 'CreatedDate' must be of type dateTime/);
    assert.match(failure('SELECT Id FROM Account WHERE SLAExpirationDate__c = 2024-01-31T00:00:00Z'), /must be of type date and should not/);
    assert.match(failure("SELECT Id FROM Account WHERE Id = 'abc'"), /^INVALID_QUERY_FILTER_OPERATOR: invalid ID field: abc$/);
    assert.match(failure("SELECT Id FROM Account WHERE Description = 'x'"), /field 'Description' can not be filtered/);
    assert.match(failure('SELECT Id FROM Account ORDER BY Description'), /field 'Description' can not be sorted/);
    assert.match(failure('SELECT Id FROM Account WHERE NumberOfEmployees LIKE 5'), /LIKE compares string fields/);
    assert.match(failure('SELECT Id FROM Account OFFSET 2001'), /^NUMBER_OUTSIDE_VALID_RANGE: Maximum SOQL offset allowed is 2000$/);
    assert.match(failure('SELECT Id, Id FROM Account'), /duplicate field selected: Id/);
    assert.match(failure('SELECT Account.Nope FROM Contact'), /No such column 'Nope' on entity 'Account'/);
    assert.match(failure('SELECT Acount.Name FROM Contact'), /Didn't understand relationship 'Acount' in field path/);
    assert.match(failure('SELECT FIELDS(ALL) FROM Account'), /FIELDS function must have a LIMIT of at most 200/);
    assert.match(failure('SELECT Id FROM Account FOR UPDATE'), /FOR UPDATE is only available in Apex/);
  });

  test('IN and NOT IN over value lists: text without case, numbers by value, ids of either length, null, date literals', () => {
    assert.deepEqual(names("SELECT Name FROM Account WHERE Name IN ('ACME', 'gamma', 'nobody') ORDER BY Name"), ['Acme', 'Gamma']);
    assert.deepEqual(names("SELECT Name FROM Account WHERE Name NOT IN ('acme', 'Gamma')"), ['Beta']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE NumberOfEmployees IN (5, 7.0) ORDER BY Name'), ['Beta', 'Gamma']);
    assert.deepEqual(names(`SELECT Name FROM Account WHERE Id IN ('${ids.acme.slice(0, 15)}', '${ids.gamma}') ORDER BY Name`), ['Acme', 'Gamma']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE AnnualRevenue IN (null, 50) ORDER BY Name'), ['Beta', 'Gamma']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE CreatedDate IN (TODAY, YESTERDAY)').length, 3);
  });

  test('typed comparisons: dates, date literals, ids of either length, IN, LIKE, NULL', () => {
    assert.deepEqual(names('SELECT Name FROM Account WHERE SLAExpirationDate__c < 2024-02-01'), ['Acme']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE CreatedDate = TODAY AND CreatedDate = LAST_N_DAYS:1 ORDER BY Name').length, 3);
    assert.deepEqual(names('SELECT Name FROM Account WHERE CreatedDate < YESTERDAY'), []);
    assert.deepEqual(names(`SELECT Name FROM Account WHERE Id = '${ids.beta.slice(0, 15)}'`), ['Beta']);
    assert.deepEqual(names("SELECT Name FROM Account WHERE Industry IN ('banking') AND Name LIKE '_c%'"), ['Acme']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE AnnualRevenue = null'), ['Beta']);
    assert.deepEqual(names('SELECT Name FROM Account WHERE NumberOfEmployees > 5.5 AND NOT Name = \'Gamma\''), ['Acme']);
    assert.equal(query('SELECT FIELDS(STANDARD) FROM Account LIMIT 1').length, 1);
  });

  test('LIKE: prefix, suffix, contains, exact, single characters and escapes, without case', () => {
    const like = (pattern: string) => names(`SELECT Name FROM Account WHERE Name LIKE '${pattern}' ORDER BY Name`);
    assert.deepEqual(like('ac%'), ['Acme']);
    assert.deepEqual(like('%MA'), ['Gamma']);
    assert.deepEqual(like('%e%'), ['Acme', 'Beta']);
    assert.deepEqual(like('%'), ['Acme', 'Beta', 'Gamma']);
    assert.deepEqual(like('%%'), ['Acme', 'Beta', 'Gamma']);
    assert.deepEqual(like('acm'), []);
    assert.deepEqual(like('b_t_'), ['Beta']);
    assert.deepEqual(like('G%a'), ['Gamma']);
    assert.deepEqual(like('Acme\\%'), []);
  });

  test('columns=true metadata: relationship joins, aggregates with display names, subqueries', () => {
    const meta = columnsMetadata(runSoql(store, 'SELECT Name, Owner.Name, (SELECT LastName FROM Contacts) FROM Account')) as { columnMetadata: Record<string, unknown>[] };
    assert.deepEqual(meta.columnMetadata.map((c) => [c.columnName, c.foreignKeyName, c.aggregate]), [['Name', null, false], ['Owner', 'OwnerId', false], ['Contacts', null, true]]);
    const agg = columnsMetadata(runSoql(store, 'SELECT Industry, AVG(NumberOfEmployees) FROM Account GROUP BY Industry')) as { columnMetadata: Record<string, unknown>[] };
    assert.deepEqual(agg.columnMetadata.map((c) => [c.columnName, c.displayName]), [['Industry', 'Industry'], ['expr0', 'avg(NumberOfEmployees)']]);
  });
});
