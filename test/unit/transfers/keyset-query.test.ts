import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countSoql, keysetQuery, nextPageSoql } from '../../../src/transfers/sources/keyset-query.js';

const checked = (soql: string, columns: string[]) => ({ soql, object: 'Account', columns });

describe('a query source pages its query after the last record', () => {
  it('one-shot: adds Id when not selected, keeps the WHERE in brackets, orders by Id and limits', () => {
    const query = keysetQuery(checked("SELECT Name, Owner.Name FROM Account WHERE Name LIKE 'A%' OR Name = 'B'", ['Name', 'Owner.Name']), false);
    assert.deepEqual(query.columns, ['Name', 'Owner.Name']);
    assert.equal(nextPageSoql(query, undefined, 500),
      "SELECT Id, Name, Owner.Name FROM Account WHERE (Name LIKE 'A%' OR Name = 'B') ORDER BY Id LIMIT 500");
    assert.equal(nextPageSoql(query, { id: "001000000000001AAA" }, 500),
      "SELECT Id, Name, Owner.Name FROM Account WHERE (Name LIKE 'A%' OR Name = 'B') AND Id > '001000000000001AAA' ORDER BY Id LIMIT 500");
  });

  it('continuous: orders by SystemModstamp then Id, and reads after both', () => {
    const query = keysetQuery(checked('select Id, Name from Account a', ['Id', 'Name']), true);
    assert.equal(nextPageSoql(query, undefined, 10), 'SELECT SystemModstamp, Id, Name from Account a ORDER BY SystemModstamp, Id LIMIT 10');
    const after = { id: '001000000000009AAA', stamp: '2026-12-06T14:00:00.123+0000' };
    assert.equal(nextPageSoql(query, after, 10, new Date('2026-12-06T14:01:00Z')), 'SELECT SystemModstamp, Id, Name from Account a'
      + ' WHERE SystemModstamp < 2026-12-06T14:01:00.000Z AND (SystemModstamp > 2026-12-06T14:00:00.123Z'
      + " OR (SystemModstamp = 2026-12-06T14:00:00.123Z AND Id > '001000000000009AAA')) ORDER BY SystemModstamp, Id LIMIT 10");
  });

  it('counts the records past a position (the lag of a read through REST), in the order the query is read', () => {
    const once = keysetQuery(checked("SELECT Name FROM Account WHERE Name LIKE 'A%'", ['Name']), false);
    assert.equal(countSoql(once), "SELECT COUNT() FROM Account WHERE (Name LIKE 'A%')");
    assert.equal(countSoql(once, { id: '001000000000001AAA' }), "SELECT COUNT() FROM Account WHERE (Name LIKE 'A%') AND Id > '001000000000001AAA'");
    const continuous = keysetQuery(checked('SELECT Name FROM Account', ['Name']), true);
    assert.equal(countSoql(continuous, { id: '001000000000009AAA', stamp: '2026-12-06T14:00:00.000+0000' }), 'SELECT COUNT() FROM Account'
      + " WHERE (SystemModstamp > 2026-12-06T14:00:00.000Z OR (SystemModstamp = 2026-12-06T14:00:00.000Z AND Id > '001000000000009AAA'))");
  });

  it('refuses a query with its own order, limit or offset', () => {
    for (const tail of ['ORDER BY Name', 'LIMIT 5', "WHERE Name = 'x' LIMIT 5"]) {
      assert.throws(() => keysetQuery(checked(`SELECT Name FROM Account ${tail}`, ['Name']), false), { code: 'TRANSFER_QUERY_INVALID' });
    }
  });
});
