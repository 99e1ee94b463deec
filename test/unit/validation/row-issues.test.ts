import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPipeline, frameFromRows } from '../../../src/frame/index.js';
import { Mapping } from '../../../src/mapping/index.js';
import { classifyRowIssues, validateFrame } from '../../../src/validation/index.js';
import { CONTACT } from '../mapping/describe-fixtures.js';

const mapping = Mapping.parse({
  object: 'Contact',
  fields: [{ column: 'last', field: 'LastName' }, { column: 'born', field: 'Birthdate' }],
  relationships: [{ column: 'acct', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }],
});

describe('the one rule for pipeline issues', () => {
  test('an issue on a mapped column (field or relationship) fails its row with its own code, column in message and fields', () => {
    const { failures, remarks } = classifyRowIssues([
      { row: 1, column: 'born', code: 'CAST_INVALID_DATE', message: "'31/02/1990' is not a valid date" },
      { row: 1, column: 'acct', code: 'VALUE_MAP_UNMAPPED', message: "'?' has no mapping" },
      { row: 2, column: 'notes', code: 'CAST_NOT_A_NUMBER', message: "'x' is not a number" },
      { row: 3, column: 'born', code: 'CAST_INVALID_DATE', message: "'soon' is not a valid date", remark: true },
    ], mapping);
    assert.deepEqual([...failures], [[1, [
      { statusCode: 'CAST_INVALID_DATE', message: "born: '31/02/1990' is not a valid date", fields: ['born'] },
      { statusCode: 'VALUE_MAP_UNMAPPED', message: "acct: '?' has no mapping", fields: ['acct'] },
    ]]]);
    assert.deepEqual(remarks.map((r) => r.row), [2, 3], 'unmapped column, onInvalid null');
  });

  test('validateFrame: a row failed by the pipeline gets those errors alone; an unmapped column fails nothing', async () => {
    const frame = frameFromRows(['last', 'born', 'notes'], [['', '31/02/1990', 'x'], ['Doe', 'soon', '1'], ['Roe', '01/02/1990', 'y']]);
    const piped = await applyPipeline(frame, [
      { op: 'cast', columns: ['born'], to: 'date', order: 'DMY' },
      { op: 'cast', columns: ['notes'], to: 'number' },
    ]);
    const narrow = Mapping.parse({ object: 'Contact', fields: mapping.fields });
    const { errors } = await validateFrame(piped.frame, { mapping: narrow, describe: CONTACT, operation: 'insert', rowIssues: piped.rowIssues });
    assert.deepEqual(errors.map((list) => list.map((e) => e.statusCode)), [['CAST_INVALID_DATE'], ['CAST_INVALID_DATE'], []]);
  });
});
