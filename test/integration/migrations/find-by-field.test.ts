import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';
import { describeObject, sessionFor, writeCollection, type SalesforceSession } from '../../../src/salesforce/index.js';
import { findByField, matchKey } from '../../../src/migrations/reconcile.js';
import type { DescribeSObjectResult } from '../../../src/mapping/index.js';

/** Looking records up by a field (before-images, lost inserts) writes each value as a literal of the field's type. */
describe('findByField', () => {
  let h: Harness;
  let session: SalesforceSession;
  let account: DescribeSObjectResult;
  const tag = `q${Math.random().toString(36).slice(2, 8)}`;
  const employees = 100_000 + Math.floor(Math.random() * 800_000);

  before(async () => {
    h = await startHarness({ workers: false });
    session = await sessionFor(h.services, 'local');
    account = await describeObject(h.services.redis, session, 'Account');
    const spec = { object: 'Account', operation: 'insert' as const, allOrNone: true };
    const results = await writeCollection(session, spec, [
      { Name: `${tag} a`, External_Id__c: `${tag}-o'brien`, NumberOfEmployees: String(employees), Discount__c: '12.5', Active__c: 'true' },
      { Name: `${tag} b`, External_Id__c: `${tag}-2`, NumberOfEmployees: String(employees + 1), Active__c: 'false' },
    ]);
    assert.ok(results.every((r) => r.success), JSON.stringify(results));
  });
  after(async () => { await h.close(); });

  test('a number field is matched by unquoted numbers, whether the values are text or numbers', async () => {
    const found = await findByField(session, account, 'NumberOfEmployees', [String(employees), employees + 1, 'not a number'], ['Name']);
    assert.deepEqual([...found.keys()].sort(), [String(employees), String(employees + 1)]);
    assert.equal(found.get(matchKey(account, 'NumberOfEmployees', `${employees}`))?.Name, `${tag} a`);
    const discount = await findByField(session, account, 'Discount__c', ['12.50']);
    assert.ok(discount.has(matchKey(account, 'Discount__c', '12.50')), 'a percent written 12.50 comes back as 12.5 and still matches');
  });

  test('a boolean field is matched by true/false literals, in any case', async () => {
    const found = await findByField(session, account, 'Active__c', ['TRUE'], ['Name']);
    assert.ok([...found.values()].length > 0);
    assert.equal(matchKey(account, 'Active__c', 'True'), 'true');
  });

  test('a text field is quoted, quotes inside escaped', async () => {
    const found = await findByField(session, account, 'External_Id__c', [`${tag}-o'brien`, `${tag}-2`, `${tag}-none`]);
    assert.deepEqual([...found.keys()].sort(), [`${tag}-2`, `${tag}-o'brien`]);
  });

  test('a long list of values is cut into queries that each fit a URL, and every match comes back', async () => {
    const values = [...Array.from({ length: 3000 }, (_, i) => `${tag}-missing-${i}`), `${tag}-2`];
    const found = await findByField(session, account, 'External_Id__c', values);
    assert.deepEqual([...found.keys()], [`${tag}-2`]);
  });
});
