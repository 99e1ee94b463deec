import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareValue, type FieldVerdict } from '../../../src/reconciliation/index.js';
import { describeRequest } from '../../../src/audit/actions.js';

const verdictOf = (type: string, sent: string | number | boolean, stored: string, scale = 0): string => {
  const v: FieldVerdict = compareValue({ type, scale }, sent, stored);
  return v.verdict === 'normalised' ? `normalised ${v.kind}` : v.verdict;
};

test('the same text is equal whatever the type', () => {
  assert.equal(verdictOf('string', 'Acme', 'Acme'), 'equal');
  assert.equal(verdictOf('double', 12, '12'), 'equal');
});

test('Salesforce normalisations count as matching, with their kind', () => {
  assert.equal(verdictOf('boolean', 'TRUE', 'true'), 'normalised checkbox-text');
  assert.equal(verdictOf('boolean', '1', 'true'), 'normalised checkbox-text');
  assert.equal(verdictOf('boolean', 'no', 'false'), 'normalised checkbox-text');
  assert.equal(verdictOf('percent', '1.50', '1.5', 2), 'normalised number-scale');
  assert.equal(verdictOf('currency', '1.234', '1.23', 2), 'normalised number-rounded');
  assert.equal(verdictOf('date', '2024-03-20T10:00:00Z', '2024-03-20'), 'normalised date-form');
  assert.equal(verdictOf('datetime', '2024-03-20T10:00:00+02:00', '2024-03-20T08:00:00.000+0000'), 'normalised time-zone');
  assert.equal(verdictOf('datetime', '2024-03-20T08:00:00Z', '2024-03-20T08:00:00.000Z'), 'normalised time-zone');
  assert.equal(verdictOf('picklist', 'hot', 'Hot'), 'normalised picklist-case');
  assert.equal(verdictOf('multipicklist', 'b;A', 'a;b'), 'normalised picklist-order');
  assert.equal(verdictOf('phone', '5550100001', '(555) 010-0001'), 'normalised phone-format');
  assert.equal(verdictOf('string', '  Acme ', 'Acme'), 'normalised trimmed');
  assert.equal(verdictOf('textarea', 'a\r\nb', 'a\nb'), 'normalised trimmed');
  assert.equal(verdictOf('reference', '001000000000001', '001000000000001AAA'), 'normalised id-length');
});

test('real differences are reported as such', () => {
  assert.equal(verdictOf('boolean', 'TRUE', 'false'), 'differs');
  assert.equal(verdictOf('percent', '1.50', '1.6', 2), 'differs');
  assert.equal(verdictOf('currency', '1.236', '1.23', 2), 'differs');
  assert.equal(verdictOf('datetime', '2024-03-20T10:00:00+02:00', '2024-03-20T10:00:00.000+0000'), 'differs');
  assert.equal(verdictOf('picklist', 'Hot', 'Cold'), 'differs');
  assert.equal(verdictOf('phone', '5550100001', '5550100002'), 'differs');
  assert.equal(verdictOf('string', 'Acme', 'acme'), 'differs');
  assert.equal(verdictOf('string', 'Acme', ''), 'emptied');
});

test('a checkbox is never empty in Salesforce: an unset one reads false', () => {
  assert.equal(verdictOf('boolean', 'false', ''), 'differs');
  assert.equal(verdictOf('boolean', false, 'false'), 'equal');
});

test('asking for a reconciliation is audited as a migration control', () => {
  assert.deepEqual(describeRequest('POST', '/api/v1/migrations/m-1/reconcile'), { action: 'migration.reconcile', target: { type: 'migration', id: 'm-1' } });
  assert.deepEqual(describeRequest('POST', '/migrations/m-1/reconcile'), { action: 'migration.reconcile', target: { type: 'migration', id: 'm-1' } });
});
