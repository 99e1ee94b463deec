import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Mapping } from '../../../src/mapping/index.js';
import { suggestSteps } from '../../../src/preflight/index.js';
import { completeSteps, pipelineProblems } from '../../../src/drafts/index.js';
import { ACCOUNT } from '../mapping/describe-fixtures.js';

const mapping = Mapping.parse({
  object: 'Account',
  fields: [
    { column: 'name', field: 'Name' }, { column: 'founded', field: 'Founded__c' }, { column: 'active', field: 'Active__c' },
    { column: 'industry', field: 'Industry' }, { column: 'audited', field: 'LastAudit__c' },
  ],
});
const columns = ['name', 'founded', 'active', 'industry', 'audited', 'notes'];

describe('transform suggestions from the file', () => {
  test('day-first dates, padded cells, yes/no for a checkbox and values outside a restricted picklist each get one step', () => {
    const rows = [
      [' Acme ', '03/04/2001', 'Y', 'banking', '25/12/2020 10:00', ' pad '],
      ['Globex', '13/04/2001', 'N', 'Oil', '01/02/2021 09:30', 'x'],
      ['Initech', '', 'y', 'Energy', '', 'y'],
    ];
    const suggestions = suggestSteps({ columns, rows, mapping, describe: ACCOUNT });
    assert.deepEqual(suggestions.map((s) => [s.kind, s.step]), [
      ['trim', { op: 'trim', columns: ['name'] }],
      ['dayFirstDates', { op: 'cast', columns: ['founded'], to: 'date', order: 'DMY' }],
      ['boolean', { op: 'cast', columns: ['active'], to: 'boolean' }],
      ['picklist', { op: 'valueMap', columns: ['industry'], map: { banking: 'Banking', Oil: '' } }],
      ['dayFirstDates', { op: 'cast', columns: ['audited'], to: 'datetime', order: 'DMY' }],
    ]);
    assert.deepEqual(suggestions[0].why, { key: 'pipeline.suggest.trim', params: { columns: 'name', count: 1 } });
    assert.deepEqual(suggestions[1].why.params, { column: 'founded', example: '13/04/2001' });
    assert.equal(suggestions[3].why.params?.count, 2);
  });

  test('nothing is suggested where nothing is wrong or the evidence is missing', () => {
    const rows = [
      ['Acme', '03/04/2001', 'true', 'Banking', '2020-12-25T10:00:00Z', 'a'],
      ['Globex', '04/13/2001', 'false', 'Energy', '', 'b'],
    ];
    assert.deepEqual(suggestSteps({ columns, rows, mapping, describe: ACCOUNT }), [], 'month-first dates, true/false and allowed values need no step');
    const ambiguous = [['Acme', '03/04/2001', 'maybe', 'Banking', '', ' unmapped ']];
    assert.deepEqual(suggestSteps({ columns, rows: ambiguous, mapping, describe: ACCOUNT }), [], '03/04 alone says nothing; an unmapped column is not trimmed');
  });
});

describe('a draft pipeline with half-filled steps', () => {
  test('whole steps run, half-filled ones wait and Next names what they lack', () => {
    const draft = [{ op: 'trim', columns: ['name'] }, { op: 'cast', to: 'date' }, { op: 'regexReplace', columns: ['name'], pattern: '(', replacement: '' }];
    assert.deepEqual(completeSteps(draft), [{ op: 'trim', columns: ['name'] }]);
    const problems = pipelineProblems(draft);
    assert.deepEqual(problems[0], { key: 'flow.pipeline.missing', params: { step: 2, op: 'cast', option: 'columns' } });
    assert.equal(problems[1]?.key, 'flow.pipeline.problem');
    assert.equal(problems[1]?.params?.step, 3);
    assert.equal(problems.length, 2);
  });
});
