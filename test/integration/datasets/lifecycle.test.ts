import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { parseDataset, writeChunk } from '../../../src/datasets/index.js';
import { blobDocs, chunkDocs, rows, settled, startHarness, upload, uploadReady, type DatasetHarness } from './support.js';

const XSS = '<script>alert(1)</script>';

describe('datasets: pages, progress, re-runs and delete', () => {
  let h: DatasetHarness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('a header and a cell holding markup are shown escaped on the detail page', async () => {
    const csv = `name,"${XSS.replace(/"/g, '""')}"\n"<img src=x onerror=alert(2)>",plain\n`;
    const { upload: up, dataset } = await uploadReady(h, '<b>evil</b>.csv', csv, { name: `<i>${XSS}</i>` });
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    const page = await h.get(`/datasets/${up.id}`).set('accept', 'text/html').expect(200);
    assert.ok(!page.text.includes(XSS), 'no raw script tag');
    assert.ok(!page.text.includes('<img src=x'), 'no raw img tag');
    assert.ok(!page.text.includes('<b>evil</b>'), 'no raw file name markup');
    assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(page.text.includes('&lt;img src=x onerror=alert(2)&gt;'));
    const list = await h.get('/datasets').set('accept', 'text/html').expect(200);
    assert.ok(!list.text.includes(XSS));
    assert.ok(list.text.includes(`/datasets/${up.id}`));
  });

  test('the pages render in English and Simplified Chinese', async () => {
    const en = await h.get('/datasets/new').set('accept-language', 'en').expect(200);
    assert.match(en.text, /Upload a dataset/);
    assert.match(en.text, /src="\/public\/js\/upload\.js"/);
    const zh = await h.get('/datasets/new').set('accept-language', 'zh-CN').expect(200);
    assert.match(zh.text, /上传数据集/);
    const list = await h.get('/datasets').set('accept-language', 'zh-CN').expect(200);
    assert.match(list.text, /数据集/);
  });

  test('Server-Sent Events follow the parse to its end', async () => {
    const res = await upload(h, 'events.csv', `a,b\n${'1,2\n'.repeat(12_000)}`).expect(202);
    const events = await h.get(res.body.urls.events).buffer(true).parse((response, done) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => done(null, text));
    }).expect(200);
    assert.match(String(events.headers['content-type']), /text\/event-stream/);
    const progress = String(events.body).split('\n\n').filter((e) => e.startsWith('event: progress')).map((e) => JSON.parse(e.split('data: ')[1]));
    assert.ok(progress.length >= 1);
    assert.equal(progress.at(-1).status, 'ready');
    assert.equal(progress.at(-1).rowsRead, 12_000);
  });

  test('running the parse again is harmless and drops chunks a previous run left beyond the end', async () => {
    const { upload: up, dataset } = await uploadReady(h, 'again.csv', `n\n${Array.from({ length: 7000 }, (_, i) => i + 1).join('\n')}\n`);
    assert.equal(dataset.chunkCount, 2);
    await writeChunk(h.services.store, up.id, 2, { columns: ['n'], rows: [['stale']], firstRow: 10_001 });
    assert.equal(await chunkDocs(h.services, up.id), 3);
    const outcome = await parseDataset(h.services, up.id, 0, true);
    assert.deepEqual(outcome, { outcome: 'ready', rowCount: 7000, chunkCount: 2 });
    assert.equal(await chunkDocs(h.services, up.id), 2);
    const page = await rows(h, up.id, 4998, 4);
    assert.deepEqual(page.rows, [['4999'], ['5000'], ['5001'], ['5002']]);
    assert.deepEqual(await parseDataset(h.services, up.id, 7, true), { outcome: 'skipped', reason: 'the dataset was deleted or re-parsed since' });
  });

  test('delete removes the chunks, the raw file and the document (API and page form)', async () => {
    const { upload: up, dataset } = await uploadReady(h, 'gone.csv', `a\n${'x\n'.repeat(6000)}`);
    assert.equal(await chunkDocs(h.services, up.id), 2);
    assert.ok((await blobDocs(h.services, String(dataset.blobId))) >= 2);
    await request(h.app).delete(`${up.urls.self}?confirm=true`).set(h.user.headers).expect(204);
    assert.equal(await chunkDocs(h.services, up.id), 0);
    assert.equal(await blobDocs(h.services, String(dataset.blobId)), 0);
    await h.get(up.urls.self).expect(404);

    const second = await uploadReady(h, 'form.csv', 'a\n1\n');
    await request(h.app).post(`/datasets/${second.upload.id}/delete`).set('Cookie', h.user.cookie).type('form').send({ _csrf: h.user.csrf, confirm: 'true' }).expect(303).expect('location', '/datasets');
    await h.get(second.upload.urls.self).expect(404);
    assert.equal(await blobDocs(h.services, String(second.dataset.blobId)), 0);
  });

  test('re-parse from the page form applies the new options', async () => {
    const res = await upload(h, 'semi.txt', 'a;b\n1;2\n', { delimiter: 'comma' }).expect(202);
    const first = await settled(h, res.body.id);
    assert.deepEqual(first.columns, ['a;b']);
    await request(h.app).post(`/datasets/${res.body.id}/reparse`).set('Cookie', h.user.cookie).type('form')
      .send({ _csrf: h.user.csrf, delimiter: ';', hasHeader: 'true', encoding: '', sheet: '' }).expect(303);
    const second = await settled(h, res.body.id);
    assert.deepEqual(second.columns, ['a', 'b']);
    assert.deepEqual(second.parseOptions, { delimiter: ';', hasHeader: true });
  });

  test('the list pages newest first', async () => {
    const body = (await h.get('/api/v1/datasets').query({ pageSize: 2 }).expect(200)).body;
    assert.equal(body.datasets.length, 2);
    assert.equal(body.hasMore, true);
    assert.ok(body.datasets[0].createdAt >= body.datasets[1].createdAt);
    const next = (await h.get('/api/v1/datasets').query({ pageSize: 2, page: 2 }).expect(200)).body;
    assert.notEqual(next.datasets[0].id, body.datasets[0].id);
  });
});
