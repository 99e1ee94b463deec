import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeSObjectResult } from '../../../src/mapping/index.js';
import { orderObjects } from '../../../src/org-plans/index.js';

const object = (name: string, lookups: [field: string, to: string, required?: boolean][]) => DescribeSObjectResult.parse({
  name,
  fields: [
    { name: 'Id', type: 'id' },
    ...lookups.map(([field, to, required]) => ({ name: field, type: 'reference', referenceTo: [to], nillable: !required })),
  ],
});

describe('orderObjects: parents first, self-lookups and cycles deferred', () => {
  it('orders Account, Contact, Opportunity and a custom child by their lookups, whatever the order given', () => {
    const account = object('Account', [['OwnerId', 'User']]);
    const contact = object('Contact', [['AccountId', 'Account']]);
    const opportunity = object('Opportunity', [['AccountId', 'Account'], ['ContactId', 'Contact']]);
    const child = object('Invoice__c', [['Opportunity__c', 'Opportunity', true]]);
    const plan = orderObjects([child, opportunity, contact, account]);
    assert.deepEqual(plan.order, ['Account', 'Contact', 'Opportunity', 'Invoice__c']);
    assert.deepEqual(plan.deferred, []);
  });

  it('defers a self-lookup to a second pass', () => {
    const plan = orderObjects([object('Contact', [['AccountId', 'Account']]), object('Account', [['ParentId', 'Account']])]);
    assert.deepEqual(plan.order, ['Account', 'Contact']);
    assert.deepEqual(plan.deferred, [{ object: 'Account', field: 'ParentId', references: 'Account' }]);
  });

  it('breaks a cycle at an object whose lookups into it may be empty, and refuses a cycle of required lookups', () => {
    const a = object('A__c', [['B__c', 'B__c', true]]);
    const b = object('B__c', [['A__c', 'A__c']]);
    const plan = orderObjects([a, b]);
    assert.deepEqual(plan.order, ['B__c', 'A__c']);
    assert.deepEqual(plan.deferred, [{ object: 'B__c', field: 'A__c', references: 'A__c' }]);
    const hard = [object('A__c', [['B__c', 'B__c', true]]), object('B__c', [['A__c', 'A__c', true]])];
    const refused = /lookups required on insert, so none can be loaded first: A__c \(B__c -> B__c\); B__c \(A__c -> A__c\)/;
    assert.throws(() => orderObjects(hard), refused);
  });
});
