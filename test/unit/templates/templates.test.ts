import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompatibility, diffVersions } from '../../../src/templates/index.js';
import type { Pipeline } from '../../../src/frame/index.js';

const mapping = (fields: [string, string][], constants: { field: string; value: string | number | boolean | null }[] = []) => ({
  object: 'Contact', fields: fields.map(([column, field]) => ({ column, field })), relationships: [], constants,
});
const version = (v: number, pipeline: Pipeline, m = mapping([['Last', 'LastName']])) => ({ version: v, object: 'Contact', operation: 'insert' as const, mapping: m, pipeline });

describe('checkCompatibility', () => {
  const template = {
    pipeline: [
      { op: 'rename', mapping: { 'E-Mail': 'Email' } },
      { op: 'derive', column: 'Full', expression: "concat(first, ' ', [Last Name])" },
      { op: 'trim', columns: ['Email'] },
    ] as Pipeline,
    mapping: mapping([['Full', 'Description'], ['Email', 'Email'], ['Last Name', 'LastName']]),
    sourceColumns: [{ name: 'Last Name', type: 'string' }, { name: 'E-Mail', type: 'string' }, { name: 'first', type: 'string' }, { name: 'Age', type: 'integer' }],
  };

  test('a dataset with the same columns fits; unused columns are explained', () => {
    const result = checkCompatibility(template, ['Last Name', 'E-Mail', 'first', 'Age']);
    assert.equal(result.compatible, true);
    assert.deepEqual(result.missingColumns, []);
    assert.deepEqual(result.extraColumns, ['Age']);
  });

  test('missing columns say which step or mapping entry reads them, once each', () => {
    const result = checkCompatibility(template, ['Last Name', 'FIRST']);
    assert.equal(result.compatible, false);
    assert.deepEqual(result.missingColumns, [{ column: 'E-Mail', usedBy: 'step 1 (rename)' }]);
    assert.match(result.messages[0], /Column 'E-Mail' is missing: step 1 \(rename\) reads it/);
  });

  test('expression column names resolve case-insensitively, as the frame room does', () => {
    assert.equal(checkCompatibility(template, ['last name', 'E-Mail', 'First']).compatible, false, "'Last Name' is also mapped by exact name");
    assert.equal(checkCompatibility({ ...template, mapping: mapping([['Full', 'Description']]) }, ['last name', 'E-Mail', 'First']).compatible, true);
  });

  test('type concerns compare profile types with the template dataset, allowing narrower types', () => {
    const t = { pipeline: [] as Pipeline, mapping: mapping([['n', 'NumberOfEmployees'], ['d', 'Birthdate'], ['s', 'Title']]), sourceColumns: [{ name: 'n', type: 'number' }, { name: 'd', type: 'date' }, { name: 's', type: 'string' }] };
    const result = checkCompatibility(t, [{ name: 'n', type: 'integer' }, { name: 'd', type: 'string' }, { name: 's', type: 'empty' }]);
    assert.equal(result.compatible, true);
    assert.deepEqual(result.typeConcerns.map((c) => [c.column, c.expected, c.actual]), [['d', 'date', 'string'], ['s', 'string', 'empty']]);
  });
});

describe('diffVersions', () => {
  test('lists added, removed and changed mapping entries by target field', () => {
    const a = version(1, [], mapping([['Last', 'LastName'], ['Mail', 'Email']], [{ field: 'LeadSource', value: 'Web' }]));
    const b = version(2, [], mapping([['Surname', 'LastName'], ['Phone', 'Phone']], [{ field: 'LeadSource', value: 'Web' }]));
    const diff = diffVersions(a, b);
    assert.deepEqual(diff.mapping.added, [{ kind: 'field', column: 'Phone', field: 'Phone' }]);
    assert.deepEqual(diff.mapping.removed, [{ kind: 'field', column: 'Mail', field: 'Email' }]);
    assert.deepEqual(diff.mapping.changed, [{ before: { kind: 'field', column: 'Last', field: 'LastName' }, after: { kind: 'field', column: 'Surname', field: 'LastName' } }]);
    assert.equal(diff.identical, false);
  });

  test('pipeline steps: an edited step is a change, an inserted one an addition, a dropped one a removal', () => {
    const trim: Pipeline[number] = { op: 'trim', columns: ['a'] };
    const upper: Pipeline[number] = { op: 'case', columns: ['a'], mode: 'upper' };
    const lower: Pipeline[number] = { op: 'case', columns: ['a'], mode: 'lower' };
    const filter: Pipeline[number] = { op: 'filter', expression: 'a != null' };
    const drop: Pipeline[number] = { op: 'drop', columns: ['b'] };
    const diff = diffVersions(version(1, [trim, upper, drop]), version(2, [trim, filter, lower]));
    assert.deepEqual(diff.pipeline.changed, [{ stepBefore: 2, stepAfter: 3, before: upper, after: lower }]);
    assert.deepEqual(diff.pipeline.added, [{ step: 2, value: filter }]);
    assert.deepEqual(diff.pipeline.removed, [{ step: 3, value: drop }]);
  });

  test('the same content with keys in another order is identical; settings changes are listed', () => {
    const a = version(1, [{ op: 'case', columns: ['a'], mode: 'upper' }]);
    const b = { ...version(2, [{ mode: 'upper', columns: ['a'], op: 'case' } as Pipeline[number]]) };
    assert.equal(diffVersions(a, b).identical, true);
    const c = { ...b, operation: 'upsert' as const, externalIdField: 'External_Id__c' };
    assert.deepEqual(diffVersions(a, c).settings, [
      { property: 'operation', before: 'insert', after: 'upsert' },
      { property: 'externalIdField', before: null, after: 'External_Id__c' },
    ]);
  });
});
