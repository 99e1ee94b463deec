import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { planBatches, resolveApiMode, encodeOutcomes, decodeOutcomes, totalsOf, parseBulkError, MigrationOptions, type Outcomes } from '../../../src/migrations/index.js';
import { errorFromResponse, errorFromNetwork, csvCell, csvLine, toJsonRecord } from '../../../src/salesforce/index.js';

describe('planBatches', () => {
  test('row ranges of batchSize, each listing only the chunks it reads', () => {
    const chunks = [{ index: 0, firstRow: 1, rowCount: 5000 }, { index: 1, firstRow: 5001, rowCount: 5000 }, { index: 2, firstRow: 10001, rowCount: 123 }];
    const batches = planBatches(chunks, 4000);
    assert.deepEqual(batches.map((b) => [b.fromRow, b.toRow, b.chunks]), [[1, 4000, [0]], [4001, 8000, [0, 1]], [8001, 10123, [1, 2]]]);
    assert.equal(batches.reduce((n, b) => n + b.toRow - b.fromRow + 1, 0), 10123);
  });
  test('an empty dataset has no batches', () => assert.deepEqual(planBatches([], 100), []));

  const spans = (...sizes: [rows: number, bytes?: number][]) => {
    let firstRow = 1;
    return sizes.map(([rowCount, bytes], index) => {
      const span = { index, firstRow, rowCount, bytes };
      firstRow += rowCount;
      return span;
    });
  };
  test('rows of 60 KB: a batch ends at its byte budget, not at 25,000 rows; each lists the chunks it reads', () => {
    // Chunks of 68 rows of 61,440 bytes (4 MB each) and a last one of 12: budget 32 MB = 546 rows.
    const chunks = spans(...Array.from({ length: 20 }, (): [number, number] => [68, 68 * 61_440]), [12, 12 * 61_440]);
    const batches = planBatches(chunks, 25_000, 32 * 1024 * 1024);
    assert.deepEqual(batches.map((b) => b.toRow - b.fromRow + 1), [546, 546, 280]);
    assert.deepEqual(batches.map((b) => [b.fromRow, b.chunks[0], b.chunks.at(-1), b.full]), [[1, 0, 8, true], [547, 8, 16, true], [1093, 16, 20, false]]);
    assert.equal(batches.at(-1)?.toRow, 20 * 68 + 12);
    assert.deepEqual(batches.map((b) => b.bytes), [546 * 61_440, 546 * 61_440, 280 * 61_440], 'each batch knows the row text it holds');
  });
  test('a row larger than the budget is a batch of its own', () => {
    const batches = planBatches(spans([1, 10], [1, 500], [2, 20]), 100, 100);
    assert.deepEqual(batches.map((b) => [b.fromRow, b.toRow, b.chunks, b.full]), [[1, 1, [0], true], [2, 2, [1], true], [3, 4, [2], false]]);
  });
  test('chunks of unknown size (stored before sizes were recorded) are planned by rows alone', () => {
    const batches = planBatches(spans([5000], [5000], [10]), 4000, 1);
    assert.deepEqual(batches.map((b) => [b.fromRow, b.toRow, b.full]), [[1, 4000, true], [4001, 8000, true], [8001, 10010, false]]);
    assert.deepEqual(batches.map((b) => b.bytes), [undefined, undefined, undefined], 'their size is not known either');
  });
  test('planning again with more chunks stored keeps every full batch as it was (a run that follows its parse)', () => {
    const all = spans([7, 7000], [3, 9000], [50, 5000], [9, 900], [40, 40_000], [5, 50]);
    for (let stored = 1; stored <= all.length; stored++) {
      const now = planBatches(all.slice(0, stored), 20, 10_000);
      const later = planBatches(all, 20, 10_000);
      for (const batch of now.filter((b) => b.full)) assert.deepEqual(batch, later[batch.batch], `with ${stored} chunks stored`);
      assert.ok(now.slice(0, -1).every((b) => b.full), 'only the last batch can still grow');
    }
  });
});

describe('resolveApiMode', () => {
  const options = MigrationOptions.parse({});
  test('auto: Collections up to the threshold, Bulk above; hardDelete always Bulk', () => {
    assert.equal(resolveApiMode({ options, operation: 'insert', rowCount: 2000 }), 'collections');
    assert.equal(resolveApiMode({ options, operation: 'insert', rowCount: 2001 }), 'bulk');
    assert.equal(resolveApiMode({ options, operation: 'hardDelete', rowCount: 1 }), 'bulk');
    assert.equal(resolveApiMode({ options: { ...options, apiMode: 'bulk' }, operation: 'update', rowCount: 1 }), 'bulk');
  });
});

describe('outcomes', () => {
  test('round trip through the gzip attachment and totals that add up', () => {
    const outcomes: Outcomes = new Map([
      [3, { status: 'fail', code: 'STRING_TOO_LONG', message: 'Name: too long', fields: ['Name', 'X'] }],
      [1, { status: 'ok', id: '001000000000001AAA', created: true }],
      [2, { status: 'skip', code: 'SKIPPED', message: 'filtered' }],
      [4, { status: 'doubt', code: 'DMS_IN_DOUBT', message: 'lost' }],
    ]);
    const back = decodeOutcomes(encodeOutcomes(outcomes));
    assert.deepEqual([...back.entries()].sort((a, b) => a[0] - b[0]), [...outcomes.entries()].sort((a, b) => a[0] - b[0]));
    assert.deepEqual(totalsOf(back, 4), { rows: 4, succeeded: 1, failed: 2, skipped: 1, inDoubt: 1, created: 1 });
  });
  test('the attachment holds the tuples in row order, as readers of earlier runs expect, whatever the text holds', () => {
    const said = { key: 'row.run.inDoubtBulk', params: { job: '750x' } } as const;
    const outcomes: Outcomes = new Map([
      [7, { status: 'ok', id: '001000000000007AAA', created: false }],
      [5, { status: 'fail', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Say "no",\nthen ü \\ done', fields: ['A'] }],
      [6, { status: 'doubt', code: 'DMS_IN_DOUBT', message: 'lost', i18n: [said] }],
      [8, { status: 'ok', id: '001000000000008AAA', created: true }],
    ]);
    const text = brotliDecompressSync(encodeOutcomes(outcomes)).toString('utf8');
    assert.equal(text, JSON.stringify([
      [5, 'fail', null, null, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Say "no",\nthen ü \\ done', 'A'],
      [6, 'doubt', null, null, 'DMS_IN_DOUBT', 'lost', null, [said]],
      [7, 'ok', '001000000000007AAA', false, null, null, null],
      [8, 'ok', '001000000000008AAA', true, null, null, null],
    ]));
    assert.deepEqual(brotliDecompressSync(encodeOutcomes(new Map())).toString('utf8'), '[]');
    // Outcomes stored before 2026-12-07 are gzip: they read the same.
    assert.deepEqual(decodeOutcomes(gzipSync(text, { level: 1 })), decodeOutcomes(encodeOutcomes(outcomes)));
  });
  test('Bulk sf__Error cells', () => {
    assert.deepEqual(parseBulkError('INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--'), { code: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] });
    assert.deepEqual(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name'), { code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] });
  });
});

describe('Salesforce error classification', () => {
  test('transient vs permanent, applied vs not', () => {
    const lock = errorFromResponse(503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'x' }]);
    assert.deepEqual([lock.transient, lock.outcome], [true, 'rejected']);
    const daily = errorFromResponse(403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]);
    assert.deepEqual([daily.transient, daily.dailyLimit], [true, true]);
    const concurrent = errorFromResponse(403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }]);
    assert.equal(concurrent.dailyLimit, false);
    assert.deepEqual([errorFromResponse(500, 'boom').outcome, errorFromResponse(500, 'boom').transient], ['unknown', true]);
    assert.equal(errorFromResponse(400, [{ errorCode: 'INVALID_FIELD', message: 'No such column' }]).transient, false);
    assert.equal(errorFromNetwork(Object.assign(new Error('refused'), { cause: { code: 'ECONNREFUSED' } })).outcome, 'rejected');
    assert.equal(errorFromNetwork(Object.assign(new Error('reset'), { cause: { code: 'ECONNRESET' } })).outcome, 'unknown');
  });
});

describe('wire formats', () => {
  test('CSV cells are quoted only when needed', () => {
    assert.equal(csvLine(['a', 'b,c', 'say "hi"', null, 3, true]), 'a,"b,c","say ""hi""",,3,true\n');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  });
  test('relationship columns nest in JSON; Id becomes id for update', () => {
    assert.deepEqual(toJsonRecord('Contact', { Id: '003000000000001AAA', LastName: 'X', 'Account.External_Id__c': 'A1' }, 'id'), {
      attributes: { type: 'Contact' }, id: '003000000000001AAA', LastName: 'X', Account: { External_Id__c: 'A1' },
    });
  });
  test("#N/A is null in JSON too, as Bulk reads it in a CSV (a literal '#N/A' would be a wrong value)", () => {
    assert.deepEqual(toJsonRecord('Account', { Name: 'X', NumberOfEmployees: '#N/A', 'Parent.External_Id__c': '#N/A' }, null), {
      attributes: { type: 'Account' }, Name: 'X', NumberOfEmployees: null, Parent: { External_Id__c: null },
    });
  });
});
