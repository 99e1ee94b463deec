import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coerce } from '../../../src/salesforce-emulator/data/coerce.js';
import { SfError } from '../../../src/salesforce-emulator/data/sf-error.js';
import { field } from '../../../src/salesforce-emulator/describe/field.js';

const code = (v: unknown) => (v instanceof SfError ? v.statusCode : v);

describe('coerce', () => {
  test('numbers: type, precision and scale', () => {
    const amount = field('Amount', 'currency', { precision: 5, scale: 2 });
    assert.equal(coerce(amount, '123.456'), 123.46);
    assert.equal(coerce(amount, 12), 12);
    assert.equal(code(coerce(amount, '1000')), 'NUMBER_OUTSIDE_VALID_RANGE');
    assert.equal(code(coerce(amount, 'abc')), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    const count = field('Count', 'int', { digits: 3 });
    assert.equal(code(coerce(count, '1.5')), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    assert.equal(code(coerce(count, '1000')), 'NUMBER_OUTSIDE_VALID_RANGE');
  });

  test('dates, datetimes and booleans', () => {
    assert.equal(coerce(field('D', 'date'), '2024-02-29'), '2024-02-29');
    assert.equal(code(coerce(field('D', 'date'), '2023-02-29')), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    assert.equal(coerce(field('T', 'datetime'), '2024-03-20T21:42:13+01:00'), '2024-03-20T20:42:13.000+0000');
    assert.equal(code(coerce(field('T', 'datetime'), 'yesterday')), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    assert.equal(coerce(field('B', 'boolean'), 'TRUE'), true);
    assert.equal(code(coerce(field('B', 'boolean'), 'maybe')), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
  });

  test('text: length, email, restricted picklists and ids', () => {
    assert.equal(code(coerce(field('S', 'string', { length: 3 }), 'abcd')), 'STRING_TOO_LONG');
    assert.equal(code(coerce(field('Email', 'email'), 'not-an-email')), 'INVALID_EMAIL_ADDRESS');
    const level = field('Level__c', 'picklist', { picklist: ['A', 'B'], restricted: true });
    assert.equal(coerce(level, 'A'), 'A');
    assert.equal(code(coerce(level, 'C')), 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const ref = field('AccountId', 'reference', { referenceTo: ['Account'] });
    assert.equal(coerce(ref, '001A0000006Vm9r'), '001A0000006Vm9rIAC');
    assert.equal(code(coerce(ref, '001bad')), 'MALFORMED_ID');
  });
});
