import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lookupQueries, soqlLiteral } from '../../../src/lookups/index.js';
import { MAX_ENCODED_SOQL } from '../../../src/soql/index.js';

describe('lookup literals and queries', () => {
  test('values are quoted by field type; a value the type cannot hold asks nothing', () => {
    assert.deepEqual(soqlLiteral('string', "O'Brien \\ Co"), { literal: "'O\\'Brien \\\\ Co'", key: "o'brien \\ co" });
    assert.deepEqual(soqlLiteral('email', 'Ann@X.org'), { literal: "'Ann@X.org'", key: 'ann@x.org' });
    assert.deepEqual(soqlLiteral('double', '42.50'), { literal: '42.5', key: '42.5' });
    assert.equal(soqlLiteral('int', 'many'), null);
    assert.deepEqual(soqlLiteral('boolean', 'TRUE'), { literal: 'true', key: 'true' });
    assert.deepEqual(soqlLiteral('date', '2024-03-05T00:00:00.000Z'), { literal: '2024-03-05', key: '2024-03-05' });
    assert.deepEqual(soqlLiteral('datetime', '2024-03-05T10:00:00+01:00'), { literal: '2024-03-05T09:00:00Z', key: '2024-03-05T09:00:00Z' });
    assert.equal(soqlLiteral('reference', 'not an id'), null);
    assert.equal(soqlLiteral('id', '001000000000001')?.key.length, 18, 'a 15-character Id is asked and matched as 18');
    assert.equal(soqlLiteral('textarea', 'x'), null);
  });

  test('IN lists are cut so that each query stays URL-sized, in order, every value once', () => {
    const literals = Array.from({ length: 3000 }, (_, i) => `'Name number ${i}'`);
    const queries = lookupQueries({ object: 'Account', field: 'Name' }, literals);
    assert.ok(queries.length > 1);
    for (const soql of queries) {
      assert.match(soql, /^SELECT Id, Name FROM Account WHERE Name IN \('.*'\)$/);
      assert.ok(encodeURIComponent(soql).length <= MAX_ENCODED_SOQL);
    }
    const asked = queries.flatMap((soql) => soql.slice(soql.indexOf('(') + 1, -1).split(','));
    assert.deepEqual(asked, literals);
  });
});
