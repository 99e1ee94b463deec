import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSoql, checkQuery, ExportRequest } from '../../../src/exports/index.js';
import { DescribeSObjectResult } from '../../../src/mapping/index.js';

const describes: Record<string, DescribeSObjectResult> = Object.fromEntries([
  DescribeSObjectResult.parse({
    name: 'Account', fields: [
      { name: 'Id', type: 'id' }, { name: 'Name', type: 'string', nameField: true }, { name: 'NumberOfEmployees', type: 'int' },
      { name: 'AnnualRevenue', type: 'currency' }, { name: 'IsDeleted', type: 'boolean' }, { name: 'CreatedDate', type: 'datetime' },
      { name: 'OwnerId', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' },
      { name: 'Founded__c', type: 'date' },
    ],
  }),
  DescribeSObjectResult.parse({
    name: 'Contact', fields: [
      { name: 'Id', type: 'id' }, { name: 'LastName', type: 'string' },
      { name: 'AccountId', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' },
      { name: 'WhoId', type: 'reference', referenceTo: ['Lead', 'User'], relationshipName: 'Who' },
    ],
  }),
  DescribeSObjectResult.parse({ name: 'User', fields: [{ name: 'Id', type: 'id' }, { name: 'Username', type: 'string' }] }),
].map((d) => [d.name.toLowerCase(), d]));
const describeOf = async (object: string) => describes[object.toLowerCase()];

const refusal = async (soql: string): Promise<string> => {
  const error = await checkQuery(soql, describeOf).then(() => undefined, (e: Error & { code?: string }) => e);
  assert.ok(error, `expected ${soql} to be refused`);
  assert.equal(error.code, 'SOQL_INVALID');
  return error.message;
};

describe('checkQuery: an export\'s SOQL against describe', () => {
  it('gives the columns as the org names them, through relationships, aliases and any case', async () => {
    const checked = await checkQuery('select id, NAME, owner.username from account a where a.numberofemployees > 10 order by a.name', describeOf);
    assert.deepEqual(checked, { soql: checked.soql, object: 'Account', columns: ['Id', 'Name', 'Owner.Username'] });
    const contact = await checkQuery("SELECT Account.Owner.Username FROM Contact WHERE Account.Name LIKE 'A%'", describeOf);
    assert.deepEqual(contact.columns, ['Account.Owner.Username']);
  });

  it('resolves a polymorphic relationship through any of its objects', async () => {
    assert.deepEqual((await checkQuery('SELECT Who.Username FROM Contact', describeOf)).columns, ['Who.Username']);
  });

  it('refuses unknown objects, fields and relationships with the org\'s texts and positions', async () => {
    assert.match(await refusal('SELECT Id FROM Acount'), /INVALID_TYPE: [\s\S]*Row:1:Column:16\nsObject type 'Acount' is not supported/);
    assert.match(await refusal('SELECT Id,\n  Nme FROM Account'), /INVALID_FIELD: [\s\S]*Row:2:Column:3\nNo such column 'Nme' on entity 'Account'/);
    assert.match(await refusal('SELECT Acount.Name FROM Contact'), /Didn't understand relationship 'Acount'/);
    assert.match(await refusal('SELECT Id FROM Account ORDER BY Nmae'), /No such column 'Nmae'/);
    assert.match(await refusal('SELECT Id, id FROM Account'), /duplicate field selected: Id/);
  });

  it('checks every WHERE value against its field\'s type, as an org does', async () => {
    assert.match(await refusal("SELECT Id FROM Account WHERE NumberOfEmployees = '5'"), /must be of type integer and should not be enclosed in quotes/);
    assert.match(await refusal('SELECT Id FROM Account WHERE Name = 5'), /must be of type string and should be enclosed in quotes/);
    assert.match(await refusal('SELECT Id FROM Account WHERE IsDeleted = 1'), /must be of type boolean/);
    assert.match(await refusal("SELECT Id FROM Account WHERE CreatedDate > 2024-01-01"), /must be of type dateTime/);
    assert.match(await refusal("SELECT Id FROM Account WHERE Id IN ('001', 'x')"), /INVALID_QUERY_FILTER_OPERATOR[\s\S]*invalid ID field: 001/);
    assert.match(await refusal("SELECT Id FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Nam = 'x')"), /No such column 'Nam'/);
    await checkQuery('SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30 AND Founded__c < 2020-01-01 AND IsDeleted = false', describeOf);
  });

  it('refuses what an export cannot be: subqueries, aggregates, GROUP BY, OFFSET, FIELDS()', async () => {
    assert.match(await refusal('SELECT Id, (SELECT Id FROM Contacts) FROM Account'), /EXPORT_UNSUPPORTED: [\s\S]*subquery/);
    assert.match(await refusal('SELECT COUNT() FROM Account'), /Aggregates are not exported/);
    assert.match(await refusal('SELECT Name FROM Account GROUP BY Name'), /GROUP BY is not exported/);
    assert.match(await refusal('SELECT Id FROM Account OFFSET 10'), /OFFSET is not exported/);
    assert.match(await refusal('SELECT FIELDS(ALL) FROM Account'), /FIELDS\(ALL\) is not exported/);
    assert.match(await refusal('SELECT Id FROM Account WITH SECURITY_ENFORCED'), /WITH is not supported by DMS exports/);
  });
});

describe('buildSoql: the form\'s fields and conditions as SOQL', () => {
  const build = (input: Record<string, unknown>) => buildSoql(ExportRequest.parse(input), describeOf);

  it('writes each value as its field\'s type asks, joins conditions with AND and keeps the WHERE text in brackets', async () => {
    const soql = await build({
      object: 'Account', fields: ['Id', 'Name'], orderBy: 'Name DESC', limit: '100',
      conditions: [
        { field: 'Name', operator: 'LIKE', value: "O'Brien%" }, { field: 'NumberOfEmployees', operator: '>=', value: '10' },
        { field: 'IsDeleted', operator: '=', value: 'FALSE' }, { field: 'Founded__c', operator: '<', value: 'last_n_days:30' },
        { field: 'Owner.Username', operator: 'IN', value: 'a@x.org, b@x.org' }, { field: 'AnnualRevenue', operator: '!=', value: '' },
      ],
      where: "Name = 'A' OR Name = 'B'",
    });
    assert.equal(soql, "SELECT Id, Name FROM Account WHERE Name LIKE 'O\\'Brien%' AND NumberOfEmployees >= 10 AND IsDeleted = false "
      + "AND Founded__c < LAST_N_DAYS:30 AND Owner.Username IN ('a@x.org', 'b@x.org') AND AnnualRevenue != null "
      + "AND (Name = 'A' OR Name = 'B') ORDER BY Name DESC LIMIT 100");
    await checkQuery(soql, describeOf);
  });

  it('names the condition whose value or field is wrong', async () => {
    await assert.rejects(build({ object: 'Account', fields: ['Id'], conditions: [{ field: 'CreatedDate', operator: '>', value: 'yesterday-ish' }] }),
      /Condition 1 \(CreatedDate >\): "yesterday-ish" is not a date and time/);
    await assert.rejects(build({ object: 'Account', fields: ['Id'], conditions: [{ field: 'Id', operator: '=', value: '1' }, { field: 'Nope', operator: '=', value: '1' }] }),
      /Condition 2 \(Nope =\): No such column 'Nope'/);
  });

  it('takes a whole SOQL query instead, or refuses a request with neither', async () => {
    assert.equal(await build({ soql: '  SELECT Id FROM Account  ' }), 'SELECT Id FROM Account');
    assert.throws(() => ExportRequest.parse({ object: 'Account' }), /Give either a SOQL query, or an object and at least one field/);
  });
});
