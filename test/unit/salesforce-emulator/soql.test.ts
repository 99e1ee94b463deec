import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSoql } from '../../../src/salesforce-emulator/soql/parser.js';
import { tokenize } from '../../../src/salesforce-emulator/soql/tokenizer.js';

describe('SOQL subset parser', () => {
  test('fields, parent fields, where, order, limit, offset', () => {
    const q = parseSoql("SELECT Id, Account.Name FROM Contact WHERE (LastName = 'O\\'Hara' OR Email LIKE '%@x.org') AND NOT Birthdate < 2000-01-01 AND AccountId != null ORDER BY LastName DESC NULLS LAST, Id LIMIT 10 OFFSET 5");
    assert.deepEqual(q.fields, ['Id', 'Account.Name']);
    assert.equal(q.object, 'Contact');
    assert.equal(q.limit, 10);
    assert.equal(q.offset, 5);
    assert.deepEqual(q.orderBy, [{ path: 'LastName', descending: true, nullsLast: true }, { path: 'Id', descending: false, nullsLast: false }]);
    assert.equal(q.where?.kind, 'and');
  });

  test('COUNT(), IN and NOT IN, numbers and booleans', () => {
    const q = parseSoql("select count() from Account where Industry in ('Banking', 'Energy') and NumberOfEmployees >= -5 and Active__c = true and Type not in ('Other')");
    assert.equal(q.count, true);
    assert.deepEqual(q.fields, []);
  });

  test('syntax errors are reported', () => {
    assert.throws(() => parseSoql('SELECT FROM Account'), /expecting 'FROM'/);
    assert.throws(() => parseSoql('SELECT Id Account'), /expecting 'FROM'/);
    assert.throws(() => parseSoql("SELECT Id FROM Account WHERE Name = 'x"), /Unterminated/);
    assert.throws(() => tokenize('SELECT Id FROM Account WHERE Name = #'), /unexpected token/);
  });
});
