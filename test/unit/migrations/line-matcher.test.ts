import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LineMatcher, ResultFile } from '../../../src/migrations/line-matcher.js';
import { csvFields } from '../../../src/salesforce/index.js';

describe('LineMatcher', () => {
  test('results in upload order, with gaps filled by a second file', () => {
    const m = new LineMatcher(['a', 'b', 'c', 'd']);
    assert.deepEqual(['a', 'c', 'd'].map((k) => m.take(k)), [0, 2, 3]);
    m.restart();
    assert.equal(m.take('b'), 1);
    assert.deepEqual([...m.taken], [1, 1, 1, 1]);
  });
  test('results in any order; unknown and exhausted keys give undefined', () => {
    const m = new LineMatcher(['a', 'b', 'c']);
    assert.deepEqual(['c', 'a', 'x', 'b', 'b'].map((k) => m.take(k)), [2, 0, undefined, 1, undefined]);
  });
  test('identical lines are each taken once, whatever the order', () => {
    const lines = ['x', 'y', 'x', 'x', 'z', 'y'];
    const m = new LineMatcher(lines);
    const got = ['z', 'x', 'y', 'x', 'y', 'x', 'x'].map((k) => m.take(k));
    assert.equal(got.at(-1), undefined);
    const indexes = got.slice(0, -1) as number[];
    assert.deepEqual([...indexes].sort(), [0, 1, 2, 3, 4, 5]);
    indexes.forEach((i, n) => assert.equal(lines[i], ['z', 'x', 'y', 'x', 'y', 'x'][n]));
  });
});

describe('ResultFile', () => {
  // The uploaded lines, as csvFields made them: quotes only where a cell needs them.
  const header = ['Name', 'Description__c'];
  const uploaded = [['Acme', 'plain'], ['Müller, "Söhne"', 'two\nlines'], ['', '=1+1']];
  const lines = uploaded.map((cells) => csvFields(cells));
  const read = (file: ResultFile, records: string[]) => records.map((r) => file.read(r));

  test('the Local org echoes each uploaded line: matched as text after the sf__ cells', () => {
    const file = new ResultFile('successfulResults', header, new LineMatcher(lines));
    const records = ['"sf__Id","sf__Created","Name","Description__c"', ...lines.map((l, i) => `"001${i}","${i === 1 ? 'false' : 'true'}",${l}`)];
    assert.deepEqual(read(file, records), [undefined, { index: 0, id: '0010', status: 'true' }, { index: 1, id: '0011', status: 'false' }, { index: 2, id: '0012', status: 'true' }]);
  });

  test('Salesforce quotes every cell, in any order: each record read by its cells', () => {
    const file = new ResultFile('failedResults', header, new LineMatcher(lines));
    const quoted = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
    const records = [quoted(['sf__Id', 'sf__Error', 'Name', 'Description__c']), ...[2, 0, 1].map((i) => quoted(['', `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name,${i}`, ...uploaded[i]]))];
    const got = read(file, records);
    assert.deepEqual(got.map((g) => g?.index), [undefined, 2, 0, 1]);
    assert.equal(got[1]?.status, 'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name,2');
    assert.equal(got[1]?.id, '');
  });

  test('result columns in another order than uploaded; unprocessed records; a record that is not ours', () => {
    const reordered = new ResultFile('successfulResults', header, new LineMatcher(lines));
    assert.deepEqual(read(reordered, ['sf__Created,Description__c,sf__Id,Name', `true,plain,001A,Acme`, 'true,x,001B,Nobody']), [undefined, { index: 0, id: '001A', status: 'true' }, undefined]);
    const unprocessed = new ResultFile('unprocessedrecords', header, new LineMatcher(lines));
    assert.deepEqual(read(unprocessed, ['Name,Description__c', lines[1], lines[1]]).map((g) => g?.index), [undefined, 1, undefined]);
  });
});
