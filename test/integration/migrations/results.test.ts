import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { retryFailedRows, startMigration } from '../../../src/migrations/index.js';
import { startHarness, makeDataset, runMigration, waitForState, accountMapping, type Harness } from './harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** Result files a Data Loader user can work with: source row numbers, Data Loader's layout, Excel. */
describe('result files', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let user: TestUser;
  let id: string;
  const get = (path: string) => request(app).get(`/api/v1/migrations/${id}/results/${path}`).set(user.headers).expect(200);
  const lines = (text: string) => text.trim().split('\n');

  before(async () => {
    h = await startHarness();
    app = createApp(h.services);
    user = await signIn(h.services, 'operator');
    const rows = Array.from({ length: 8 }, (_, i) => [i === 2 || i === 6 ? '' : `Result ${i + 1}`, 'Town']);
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    id = (await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping() } }))._id;
  });
  after(async () => { await h.close(); });

  test('both files end with the row\'s number in the source file', async () => {
    const success = lines((await get('success.csv')).text);
    assert.equal(success[0], 'name,city,Id,Created,Source Row');
    assert.deepEqual(success.slice(1).map((l) => l.split(',').at(-1)), ['1', '2', '4', '5', '6', '8']);
    const errors = lines((await get('errors.csv')).text);
    assert.equal(errors[0], 'name,city,StatusCode,Message,Fields,Source Row');
    assert.deepEqual(errors.slice(1).map((l) => l.split(',').at(-1)), ['3', '7']);
  });

  test('Data Loader\'s layout: ID, the row, then STATUS or ERROR', async () => {
    const success = lines((await get('success.csv?layout=dataloader')).text);
    assert.equal(success[0], 'ID,name,city,STATUS');
    assert.match(success[1] ?? '', /^001\w{15},Result 1,Town,Item Created$/);
    const errors = lines((await get('errors.csv?layout=dataloader')).text);
    assert.equal(errors[0], 'ID,name,city,ERROR');
    assert.equal(errors[1], ',,Town,Required fields are missing: [Name]');
  });

  test('the same rows as an Excel workbook', async () => {
    const res = await request(app).get(`/api/v1/migrations/${id}/results/errors.xlsx`).set(user.headers)
      .buffer(true).parse((r, done) => { const parts: Buffer[] = []; r.on('data', (c: Buffer) => parts.push(c)); r.on('end', () => done(null, Buffer.concat(parts))); })
      .expect(200).expect('content-type', /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as never);
    const sheet = workbook.getWorksheet('Errors');
    const values = (n: number) => Array.from((sheet?.getRow(n).values as unknown[]).slice(1));
    assert.deepEqual(values(1), ['name', 'city', 'StatusCode', 'Message', 'Fields', 'Source Row']);
    assert.deepEqual(values(2), [undefined, 'Town', 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Name]', 'Name', 3]);
    assert.equal(sheet?.rowCount, 3);
  });

  test('a retry of a retry still names the first file\'s rows', async () => {
    const first = await retryFailedRows(h.services, id, 'test');
    await startMigration(h.services, first._id, 'test');
    await waitForState(h.services, first._id, ['completed']);
    const second = await retryFailedRows(h.services, first._id, 'test');
    assert.equal(second.columns.filter((c) => c === 'DMS Source Row').length, 1);
    await startMigration(h.services, second._id, 'test');
    await waitForState(h.services, second._id, ['completed']);
    const errors = await request(app).get(`/api/v1/migrations/${second._id}/results/errors.csv`).set(user.headers).expect(200);
    assert.deepEqual(lines(errors.text).slice(1).map((l) => l.split(',').at(-1)), ['3', '7']);
  });
});
