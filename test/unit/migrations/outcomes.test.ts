import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOutcomes, encodeOutcomes, MESSAGE_CHARS, TrackedOutcomes } from '../../../src/migrations/outcomes.js';

describe('stored outcomes', () => {
  test("Salesforce's message quoting a 31,000-character value is stored cut in the middle, its limit kept", () => {
    const value = '顧客データ😀"\r\n,'.repeat(3100);
    const outcomes = new TrackedOutcomes();
    outcomes.set(7, { status: 'fail', code: 'STRING_TOO_LONG', message: `Description: data value too large: ${value} (max length=32000)`, fields: ['Description'] });
    outcomes.set(8, { status: 'fail', code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] });
    const stored = decodeOutcomes(encodeOutcomes(outcomes));
    const long = stored.get(7)?.message ?? '';
    assert.ok(long.length <= MESSAGE_CHARS + 1, `${long.length}`);
    assert.ok(long.startsWith(`Description: data value too large: ${value.slice(0, 100)}`));
    assert.ok(long.endsWith('(max length=32000)'));
    assert.deepEqual(stored.get(7)?.fields, ['Description']);
    assert.equal(stored.get(8)?.message, 'Required fields are missing: [Name]');
    assert.equal(outcomes.changes, 2);
  });
});
