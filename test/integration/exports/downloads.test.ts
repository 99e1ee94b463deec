import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type request from 'supertest';
import { updateDataset } from '../../../src/datasets/index.js';
import { readDataset } from '../../../src/datasets/readers/index.js';
import type { CellValue } from '../../../src/datasets/readers/index.js';
import { allRows, seed, settled, startExportHarness, type ExportHarness } from './support.js';

/** A binary response body as a Buffer (supertest buffers text bodies only). */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, callback) => {
    const parts: Buffer[] = [];
    res.on('data', (part: Buffer) => parts.push(part));
    res.on('end', () => callback(null, Buffer.concat(parts)));
  });

/** Reads a downloaded file back with DMS's own readers (every row, text values). */
async function readBack(data: Buffer, format: 'xlsx' | 'parquet'): Promise<{ columns: string[]; rows: CellValue[][] }> {
  const rows: CellValue[][] = [];
  let columns: string[] = [];
  for await (const batch of readDataset(() => Readable.from([data]), { format, hasHeader: true })) {
    columns = batch.columns;
    rows.push(...batch.rows);
  }
  return { columns, rows };
}

describe('downloading an exported dataset', () => {
  let h: ExportHarness;
  let id: string;
  let expected: (string | null)[][];

  before(async () => {
    h = await startExportHarness();
    // A comma, a quote, a line break, non-ASCII, a leading '=' and an empty value: what a CSV writer must get right.
    await seed(h.conn, 'Account', ['Name', 'Description', 'AccountNumber'], [
      ['Acme, Inc.', 'says "hi"', 'A-1'],
      ['Zürich 北京', 'two\nlines', ''],
      ['=SUM(A1)', '', 'A-3'],
      ...Array.from({ length: 6000 }, (_, i) => [`Bulk ${i}`, `row ${i}`, `B-${i}`]),
    ]);
    const started = await h.post('/api/v1/exports').send({ object: 'Account', fields: ['Id', 'Name', 'Description', 'AccountNumber'], api: 'bulk' }).expect(202);
    id = (await settled(h, started.body.id)).id;
    expected = await allRows(h, id);
    assert.equal(expected.length, 6003);
  });
  after(async () => h.close());

  it('CSV in Data Loader\'s layout: capitalised header, every value quoted, quotes doubled, null as ""', async () => {
    const res = await h.get(`/api/v1/datasets/${id}/download?format=csv`).expect(200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="Account\.csv"/);
    const text = res.text;
    assert.ok(text.startsWith('"ID","NAME","DESCRIPTION","ACCOUNTNUMBER"\n'), text.slice(0, 80));
    const acme = expected.find((r) => r[1] === 'Acme, Inc.');
    assert.ok(text.includes(`"${acme?.[0]}","Acme, Inc.","says ""hi""","A-1"\n`));
    const zurich = expected.find((r) => r[1] === 'Zürich 北京');
    assert.ok(text.includes(`"${zurich?.[0]}","Zürich 北京","two\nlines",""\n`));
    // Read back by DMS's CSV reader: the same rows.
    const { rows } = await readBack(Buffer.from(text), 'csv' as never);
    assert.deepEqual(rows, expected);
  });

  it('NDJSON: one object per row keyed by column, nulls kept', async () => {
    const res = await binary(h.get(`/api/v1/datasets/${id}/download?format=ndjson`)).expect(200);
    const lines = (res.body as Buffer).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 6003);
    assert.deepEqual(lines.map((l) => [l.Id, l.Name, l.Description, l.AccountNumber]), expected);
  });

  it('xlsx and Parquet read back by DMS\'s own readers give the same rows', async () => {
    for (const format of ['xlsx', 'parquet'] as const) {
      const res = await binary(h.get(`/api/v1/datasets/${id}/download?format=${format}`)).expect(200);
      const back = await readBack(res.body as Buffer, format);
      assert.deepEqual(back.columns, ['Id', 'Name', 'Description', 'AccountNumber'], format);
      assert.deepEqual(back.rows, expected, format);
    }
  });

  it('a dataset that is not ready cannot be downloaded', async () => {
    const started = await h.post('/api/v1/exports').send({ object: 'Account', fields: ['Id'] }).expect(202);
    await settled(h, started.body.id);
    await updateDataset(h.services.store, started.body.id, (doc) => ({ ...doc, status: 'exporting' }));
    const res = await h.get(`/api/v1/datasets/${started.body.id}/download?format=csv`).expect(409);
    assert.equal(res.body.error.code, 'DATASET_NOT_READY');
    assert.match(res.body.error.message, /is exporting/);
    const bad = await h.get(`/api/v1/datasets/${started.body.id}/download?format=pdf`).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });
});
