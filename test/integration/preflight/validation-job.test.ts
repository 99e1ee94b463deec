import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribeValidation, type ValidationProgress } from '../../../src/preflight/index.js';
import { codesByRow, startHarness, waitForValidation, writeDataset, type Harness } from './support.js';

describe('the validation job over a multi-chunk dataset', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workers: true });
  });
  after(() => h.close());

  test('streams every chunk, reports by status code and field, stores the invalid rows CSV, publishes progress', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => [`  Person ${i + 1} `, `p${i + 1}@example.com`, `E${i + 1}`]);
    rows[3][1] = 'bad@'; // row 4
    rows[7][2] = 'e2'; // row 8: the external id of row 2, in another chunk, other case
    rows[10][0] = ' '; // row 11: blank last name after trim -> missing
    rows[5][2] = 'SKIP'; // row 6: filtered out
    const datasetId = await writeDataset(h.services, ['last', 'mail', 'ext'], rows, 5);
    const mapping = { object: 'Contact', fields: [{ column: 'last', field: 'lastname' }, { column: 'mail', field: 'Email' }, { column: 'ext', field: 'External_Id__c' }] };
    const pipeline = [{ op: 'trim', columns: ['last'] }, { op: 'filter', expression: "ext != 'SKIP'" }];
    const res = await h.post('/api/v1/validations', { datasetId, connectionId: 'local', object: 'Contact', operation: 'insert', mapping, pipeline }).expect(202);
    assert.equal(res.body.job.name, 'validation.run');
    assert.equal(res.body.status, 'queued');
    const events: ValidationProgress[] = [];
    const stop = await subscribeValidation(h.services.redis, res.body.id, (p) => events.push(p));
    const done = await waitForValidation(h, res.body.id);
    await new Promise((r) => setTimeout(r, 100));
    stop();
    assert.equal(done.status, 'done');
    const report = done.report as Record<string, unknown>;
    assert.equal(report.rows, 12);
    assert.equal(report.valid, 8);
    assert.equal(report.invalid, 3);
    assert.equal(report.skipped, 1);
    assert.deepEqual(report.byStatusCode, { INVALID_EMAIL_ADDRESS: 1, DUPLICATE_VALUE: 1, REQUIRED_FIELD_MISSING: 1 });
    assert.deepEqual(report.byField, { Email: 1, '(record)': 1, LastName: 1 });
    assert.deepEqual((report.examples as { row: number }[]).map((e) => e.row).sort((a, b) => a - b), [4, 8, 11]);
    assert.ok(events.some((e) => e.status === 'running' && e.chunksDone === 2), 'progress per chunk');
    assert.deepEqual(events.at(-1), { status: 'done', chunksDone: 3, chunkCount: 3, rowsDone: 12, rowCount: 12, invalid: 3 });

    const csv = await h.get(`/api/v1/validations/${res.body.id}/invalid-rows.csv`).expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'row,LastName,Email,External_Id__c,errors,otherErrors');
    assert.equal(lines[1], '4,Person 4,bad@,E4,INVALID_EMAIL_ADDRESS:Email: invalid email address: bad@:Email,');
    assert.deepEqual([...codesByRow(csv.text)], [[4, ['INVALID_EMAIL_ADDRESS']], [8, ['DUPLICATE_VALUE']], [11, ['REQUIRED_FIELD_MISSING']]]);

    const page = await h.get(`/validations/${res.body.id}`).expect(200);
    assert.match(page.text, /<table id="by-code">[\s\S]*<code>INVALID_EMAIL_ADDRESS<\/code><\/td><td>1<\/td>/);
    assert.match(page.text, /href="\/api\/v1\/validations\/[^"]+\/invalid-rows.csv"/);
  });

  test('refuses a mapping that does not fit before anything runs', async () => {
    const datasetId = await writeDataset(h.services, ['a'], [['x']]);
    const res = await h.post('/api/v1/validations', { datasetId, object: 'Contact', operation: 'insert', mapping: { object: 'Contact', fields: [{ column: 'a', field: 'NoSuchField' }] } }).expect(400);
    assert.equal(res.body.error.code, 'MAPPING_INVALID');
    const missing = await h.post('/api/v1/validations', { datasetId, object: 'Contact', operation: 'insert', mapping: { object: 'Contact', fields: [{ column: 'b', field: 'LastName' }] } }).expect(400);
    assert.equal(missing.body.error.code, 'COLUMNS_MISSING');
  });
});
