import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { blobDocs, chunkDocs, cleanedUp, settled, startHarness, upload, type DatasetHarness } from './support.js';

const LIMIT = 200_000;

describe('datasets: bad input gets a clear answer and leaves nothing half-done', () => {
  let h: DatasetHarness;
  before(async () => {
    h = await startHarness({ env: { UPLOAD_MAX_BYTES: String(LIMIT) } });
  });
  after(() => h.close());

  const listed = async () => (await h.get('/api/v1/datasets').expect(200)).body.datasets as { id: string; name: string; status: string; blobId: string; error?: { code: string; message: string } }[];
  const blobsLeft = async () => (await h.services.store.db('blobs').list({ start_key: 'raw-', end_key: 'raw-\ufff0' })).rows.length;

  test('413 over the size limit, streamed or declared, and nothing is kept', async () => {
    const before = (await listed()).length;
    const blobs = await blobsLeft();
    const streamed = await upload(h, 'big.csv', `a,b\n${'1,2\n'.repeat(80_000)}`).expect(413);
    assert.equal(streamed.body.error.code, 'UPLOAD_TOO_LARGE');
    assert.match(streamed.body.error.message, /larger than the upload limit of 195\.3 KB/);
    const declared = await upload(h, 'huge.csv', Buffer.alloc(2 * 1024 * 1024, 0x41)).expect(413);
    assert.equal(declared.body.error.code, 'UPLOAD_TOO_LARGE');
    assert.equal((await listed()).length, before);
    assert.equal(await blobsLeft(), blobs);
  });

  test('content that is not a supported format: 415 naming what it is', async () => {
    const blobs = await blobsLeft();
    const pdf = await upload(h, 'accounts.csv', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1')).expect(415);
    assert.equal(pdf.body.error.code, 'UNSUPPORTED_FORMAT');
    assert.match(pdf.body.error.message, /accounts\.csv is a PDF document/);
    const binary = await upload(h, 'data.csv', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10])).expect(415);
    assert.match(binary.body.error.message, /binary file/);
    const xls = await upload(h, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])).expect(415);
    assert.match(xls.body.error.message, /save it as \.xlsx or CSV/);
    const empty = await upload(h, 'empty.csv', Buffer.alloc(0)).expect(422);
    assert.equal(empty.body.error.code, 'EMPTY_FILE');
    assert.equal(await blobsLeft(), blobs);
  });

  test('a supported format under another name is read by its content, with a notice', async () => {
    const res = await upload(h, 'contacts.xlsx', 'first,last\nAda,Lovelace\n').expect(202);
    assert.equal(res.body.format, 'csv');
    assert.match(res.body.notices[0], /contacts\.xlsx looks like a delimited text file \(CSV\), not an Excel workbook/);
    const dataset = await settled(h, res.body.id);
    assert.equal(dataset.status, 'ready');
    assert.deepEqual(dataset.notices, res.body.notices);
  });

  test('an upload cut off mid-way leaves a failed dataset without its partial file', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const before = new Set((await listed()).map((d) => d.id));
    const boundary = 'dms-test-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const req = httpRequest({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/api/v1/datasets',
      headers: { ...h.user.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(150_000) },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(`a,b\n${'1,2\n'.repeat(20_000)}`);
    await sleep(300);
    req.destroy();
    let cut: Awaited<ReturnType<typeof listed>>[number] | undefined;
    for (let i = 0; i < 50 && !cut; i++) {
      await sleep(100);
      cut = (await listed()).find((d) => !before.has(d.id) && d.status === 'failed');
    }
    server.close();
    assert.ok(cut, 'the cut-off upload is listed as failed');
    assert.equal(cut.error?.code, 'UPLOAD_INCOMPLETE');
    assert.equal(await blobDocs(h.services, cut.blobId), 0, 'the partial file is deleted');
    // Nothing of the cut upload became a ready dataset (other tests' datasets may move in the list meanwhile).
    assert.equal((await listed()).filter((d) => d.name === 'cut.csv' && d.status === 'ready').length, 0);
    await h.get(`/api/v1/datasets/${cut.id}/rows`).expect(409);
  });

  test('a hostile pickle is refused, naming the global it asked for', async () => {
    const res = await upload(h, 'evil.pkl', readFileSync(join('test', 'fixtures', 'datasets', 'hostile-os-system.pkl'))).expect(202);
    const dataset = await settled(h, res.body.id);
    assert.equal(dataset.status, 'failed');
    assert.match(dataset.error?.message ?? '', /system/);
    assert.equal(dataset.rowCount, 0);
  });

  test('an unclosed quote fails the dataset with its line and column, and no chunk is left', async () => {
    const lines = ['id,note'];
    for (let i = 1; i <= 6000; i++) lines.push(`${i},fine`);
    lines.push('6001,"never closed', '6002,x');
    const res = await upload(h, 'quote.csv', `${lines.join('\n')}\n`).expect(202);
    const dataset = await settled(h, res.body.id);
    assert.equal(dataset.status, 'failed');
    assert.match(dataset.error?.message ?? '', /[Ll]ine 6002/);
    assert.match(dataset.error?.message ?? '', /column/i);
    assert.equal(dataset.chunkCount, 0);
    // `failed` is written first; the chunks go right after, and the dataset's `cleanup` mark with them.
    const cleaned = await cleanedUp(h, res.body.id);
    assert.equal(cleaned.cleanup, undefined);
    assert.equal(await chunkDocs(h.services, res.body.id), 0);
  });

  test('ragged rows: an error by default, accepted with per-row issues on re-parse', async () => {
    const res = await upload(h, 'ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n').expect(202);
    const failed = await settled(h, res.body.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /Line 3, column 3/);
    await request(h.app).post(`/api/v1/datasets/${res.body.id}/reparse`).set(h.user.headers).send({ onRaggedRows: 'accept' }).expect(202);
    const ready = await settled(h, res.body.id);
    assert.equal(ready.status, 'ready', JSON.stringify(ready.error));
    assert.equal(ready.issueCount, 2);
    const issues = (await h.get(`/api/v1/datasets/${res.body.id}/issues`).expect(200)).body;
    assert.deepEqual(issues.issues.map((i: { row: number; code: string }) => [i.row, i.code]), [[2, 'RAGGED_ROW'], [3, 'RAGGED_ROW']]);
    // The dataset page says each in the reader's language, with the line, the counts and the column's name.
    const zh = await h.get(`/datasets/${res.body.id}`).set('accept-language', 'zh-CN').expect(200);
    assert.match(zh.text, /第 3 行：该行有 2 个字段，但标题行有 3 个：从第 3 列（“c”）起缺失；缺失的单元格按空值处理。/);
    assert.match(zh.text, /第 4 行：该行有 4 个字段，但标题行只有 3 个：从第 4 列起为多余的值；多余的值（9）已丢弃。/);
  });

  test('unknown fields and bad options are refused before the file is kept', async () => {
    const blobs = await blobsLeft();
    const unknown = await upload(h, 'a.csv', 'a\n1\n', { colour: 'blue' }).expect(400);
    assert.match(unknown.body.error.message, /Unknown field "colour"/);
    const bad = await upload(h, 'a.csv', 'a\n1\n', { onRaggedRows: 'maybe' }).expect(400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal(await blobsLeft(), blobs);
  });
});
