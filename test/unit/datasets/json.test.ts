import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRejects, readAllBatches } from './helpers.js';

describe('JSON reader (array of objects, streamed)', () => {
  test('reads objects across any chunk boundary; nested values become JSON text', async () => {
    const text = ' [ {"id": 1, "name": "A \\"q\\" ]}", "tags": ["x", {"y": 1}]},\n{"id": 2, "__proto__": "k", "name": null} ] ';
    const expected = [[1, 'A "q" ]}', '["x",{"y":1}]', null], [2, null, null, 'k']];
    for (const chunk of [1, 3, 1024]) {
      const { columns, rows } = await readAllBatches(text, {}, chunk);
      assert.deepEqual(columns, ['id', 'name', 'tags', '__proto__']);
      assert.deepEqual(rows, expected);
    }
  });

  test('keys first seen after the first batch are dropped with an issue per row', async () => {
    const records = Array.from({ length: 6 }, (_, i) => (i === 5 ? { a: i, late: true } : { a: i }));
    const { columns, issues } = await readAllBatches(JSON.stringify(records), { batchSize: 2 });
    assert.deepEqual(columns, ['a']);
    assert.deepEqual(issues.map((issue) => [issue.code, issue.row]), [['UNKNOWN_KEY', 6]]);
  });

  test('errors name the line', async () => {
    await assertRejects('[{"a":1},\n{"a":2} {"a":3}]', { format: 'json' }, 'JSON_UNEXPECTED', /^Line 2, column 9: expected "," or "\]" but found "\{"/);
    await assertRejects('[{"a":1},\n\n{"a": tru}]', { format: 'json' }, 'JSON_BAD_RECORD', /starts at line 3 is not valid JSON/);
    await assertRejects('[{"a":1},\n{"a":2', { format: 'json' }, 'JSON_TRUNCATED', /ends at line 2 before the array is closed/);
    await assertRejects('[1, 2]', { format: 'json' }, 'JSON_UNEXPECTED', /expected an object/);
    await assertRejects('[]', { format: 'json' }, 'EMPTY_FILE', /empty/);
  });
});

describe('NDJSON reader', () => {
  test('one object a line, blank lines skipped, CRLF accepted', async () => {
    const { columns, rows } = await readAllBatches('{"a":1,"b":"x"}\r\n\n{"a":2}\n{"b":"y","a":3}', {}, 4);
    assert.deepEqual(columns, ['a', 'b']);
    assert.deepEqual(rows, [[1, 'x'], [2, null], [3, 'y']]);
  });

  test('a bad line is reported by number', async () => {
    await assertRejects('{"a":1}\n{"a":2}\n{"a":\n', { format: 'ndjson' }, 'NDJSON_BAD_LINE', /^Line 3 is not valid JSON/);
    await assertRejects('{"a":1}\n[1,2]\n', { format: 'ndjson' }, 'NDJSON_NOT_OBJECT', /^Line 2 holds an array/);
  });
});
