import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pl from 'nodejs-polars';
import { profileOf, rows, startHarness, uploadReady, type DatasetHarness } from './support.js';

const fixture = (name: string) => readFileSync(join('test', 'fixtures', 'datasets', name));

describe('datasets: every format from upload to a ready dataset', () => {
  let h: DatasetHarness;
  const folder = mkdtempSync(join(tmpdir(), 'dms-dataset-formats-'));
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('CSV of 12,345 rows: three chunks, preview right across chunk boundaries, profile', async () => {
    const lines = ['id,name,amount'];
    for (let i = 1; i <= 12_345; i++) lines.push(`${i},name ${i},${(i * 1.5).toFixed(1)}`);
    const { upload, dataset } = await uploadReady(h, 'numbers.csv', `${lines.join('\n')}\n`, { name: 'Numbers' });
    assert.equal(upload.format, 'csv');
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.equal(dataset.name, 'Numbers');
    assert.equal(dataset.rowCount, 12_345);
    assert.equal(dataset.chunkCount, 3);
    assert.deepEqual(dataset.columns, ['id', 'name', 'amount']);
    assert.match(String(dataset.sha256), /^[0-9a-f]{64}$/);

    const across = await rows(h, upload.id, 4990, 20);
    assert.equal(across.firstRow, 4991);
    assert.equal(across.rows.length, 20);
    assert.deepEqual(across.rows.map((r) => r[0]), Array.from({ length: 20 }, (_, i) => String(4991 + i)));
    const tail = await rows(h, upload.id, 12_340, 100);
    assert.deepEqual(tail.rows.map((r) => r[0]), ['12341', '12342', '12343', '12344', '12345']);
    const spanning = await rows(h, upload.id, 9500, 1000);
    assert.equal(spanning.rows.length, 1000);
    assert.equal(spanning.rows[999][0], '10500');
    await h.get(`/api/v1/datasets/${upload.id}/rows`).query({ offset: 0, limit: 5000 }).expect(400);

    const id = profileOf(dataset, 'id');
    assert.equal(id.type, 'integer');
    assert.equal(id.min, 1);
    assert.equal(id.max, 12_345);
    assert.equal(id.nullCount, 0);
    assert.equal(profileOf(dataset, 'name').type, 'string');
  });

  test('TSV with duplicate and empty headers: renamed and shown', async () => {
    const { dataset } = await uploadReady(h, 'people.tsv', 'name\tname\t\tcity\nAda\tLovelace\tx\tLondon\nAlan\tTuring\t\tWilmslow\n');
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.deepEqual(dataset.columns, ['name', 'name_2', 'column_3', 'city']);
    assert.deepEqual(dataset.headerRenames, [
      { original: 'name', renamed: 'name_2' },
      { original: '', renamed: 'column_3' },
    ]);
    assert.equal(profileOf(dataset, 'column_3').nullCount, 1);
  });

  test('Excel workbook: the chosen sheet, numbers and dates', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Cover').addRow(['nothing here']);
    const sheet = workbook.addWorksheet('Accounts');
    sheet.addRow(['Name', 'Employees', 'Since']);
    sheet.addRow(['Acme', 120, new Date(Date.UTC(2020, 0, 15))]);
    sheet.addRow(['Globex', 45, new Date(Date.UTC(2021, 5, 1))]);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const { upload, dataset } = await uploadReady(h, 'accounts.xlsx', data, { sheet: 'Accounts' });
    assert.equal(upload.format, 'xlsx');
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.deepEqual(dataset.columns, ['Name', 'Employees', 'Since']);
    const page = await rows(h, upload.id, 0, 10);
    assert.deepEqual(page.rows[0].slice(0, 2), ['Acme', 120]);
    assert.match(JSON.stringify(page.rows[0][2]), /2020-01-15/);
    assert.equal(profileOf(dataset, 'Employees').max, 120);
  });

  test('pandas DataFrame pickle (fixture written by real pandas)', async () => {
    const { upload, dataset } = await uploadReady(h, 'frame.pkl', fixture('frame-p5-pd1.pkl'));
    assert.equal(upload.format, 'pickle');
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.ok(Number(dataset.rowCount) > 0);
    const page = await rows(h, upload.id, 0, 5);
    assert.equal(page.columns.length, (dataset.columns as string[]).length);
    assert.equal(page.rows.length, Math.min(5, Number(dataset.rowCount)));
  });

  test('JSON array of objects and NDJSON', async () => {
    const json = await uploadReady(h, 'contacts.json', JSON.stringify([{ first: 'Ada', age: 36 }, { first: 'Grace', age: null }]));
    assert.equal(json.upload.format, 'json');
    assert.equal(json.dataset.status, 'ready', JSON.stringify(json.dataset.error));
    assert.deepEqual((await rows(h, json.upload.id, 0, 10)).rows, [['Ada', 36], ['Grace', null]]);
    assert.equal(profileOf(json.dataset, 'age').nullCount, 1);

    const nd = await uploadReady(h, 'contacts.ndjson', '{"first":"Ada","active":true}\n{"first":"Alan","active":false}\n');
    assert.equal(nd.upload.format, 'ndjson');
    assert.equal(nd.dataset.status, 'ready', JSON.stringify(nd.dataset.error));
    assert.deepEqual((await rows(h, nd.upload.id, 0, 10)).rows, [['Ada', true], ['Alan', false]]);
    assert.equal(profileOf(nd.dataset, 'active').type, 'boolean');
  });

  test('Parquet written by polars', async () => {
    const path = join(folder, 'rows.parquet');
    pl.DataFrame({ code: ['A1', 'B2', 'C3'], qty: [3, 1, 2] }).writeParquet(path);
    const { upload, dataset } = await uploadReady(h, 'rows.parquet', readFileSync(path));
    assert.equal(upload.format, 'parquet');
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.deepEqual(dataset.columns, ['code', 'qty']);
    assert.deepEqual((await rows(h, upload.id, 0, 10)).rows.map((r) => r[0]), ['A1', 'B2', 'C3']);
    assert.equal(profileOf(dataset, 'qty').min, 1);
  });
});
