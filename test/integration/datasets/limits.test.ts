import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ChunkSink, type DatasetDoc } from '../../../src/datasets/index.js';
import { insertDataset, updateDataset } from '../../../src/datasets/dataset-store.js';
import { DatasetProfiler } from '../../../src/datasets/profile/index.js';
import { readDataset, type RowBatch } from '../../../src/datasets/readers/index.js';
import { readyState } from '../../../src/datasets/run-end.js';
import { STORE_LIMITS, documentSize } from '../../../src/store/index.js';
import { chunkDocs, cleanedUp, rows, settled, startHarness, upload, type DatasetHarness } from './support.js';

describe('datasets: limits a file cannot pass, and documents that fit Cloudant whatever the file holds', () => {
  let h: DatasetHarness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** The app still answers: the list, the dataset's page with its error, and health. */
  async function appAnswers(id: string, code: string) {
    const page = await h.get(`/datasets/${id}`).set('accept', 'text/html').expect(200);
    assert.match(page.text, new RegExp(code));
    await h.get('/api/v1/datasets').expect(200);
    await h.get('/healthz').expect(200);
  }

  test('a CSV with one 50 MB cell ends failed (CELL_TOO_LARGE) naming its row, line and column', async () => {
    const csv = Buffer.concat([Buffer.from('id,note\n1,short\n2,"'), Buffer.alloc(50 * 1024 * 1024, 'x'), Buffer.from('"\n3,after\n')]);
    const res = await upload(h, 'one-big-cell.csv', csv).expect(202);
    const dataset = await settled(h, res.body.id, 120_000);
    assert.equal(dataset.status, 'failed');
    assert.equal(dataset.error?.code, 'CELL_TOO_LARGE');
    const where = /^Row 2 \(line 3\), column 2 \("note"\): the cell holds 52,428,800 characters; a cell may hold at most 131,072/;
    assert.match(dataset.error?.message ?? '', where);
    await cleanedUp(h, res.body.id);
    assert.equal(await chunkDocs(h.services, res.body.id), 0);
    await appAnswers(res.body.id, 'CELL_TOO_LARGE');
  });

  test('a CSV header of 100,000 columns ends failed (TOO_MANY_COLUMNS) at once', async () => {
    const columns = 100_000;
    const line = (make: (i: number) => string) => Array.from({ length: columns }, (_, i) => make(i)).join(',');
    const csv = `${line((i) => `col${i}`)}\n${Array.from({ length: 3 }, (_, r) => line((i) => String(i + r))).join('\n')}\n`;
    const res = await upload(h, 'wide.csv', csv).expect(202);
    const dataset = await settled(h, res.body.id, 60_000);
    assert.equal(dataset.status, 'failed');
    assert.equal(dataset.error?.code, 'TOO_MANY_COLUMNS');
    assert.match(dataset.error?.message ?? '', /^The file has 100,000 columns; DMS reads at most 1,000 .*Column 1,001 \("col1000"\)/);
    await appAnswers(res.body.id, 'TOO_MANY_COLUMNS');
  });

  test('at the limits (1,000 long renamed columns, 131,072-character Chinese values) the dataset document fits in 1 MB', async (t) => {
    // 1,000 names of 64 UTF-8 bytes (the header's 64 KB), each padded with ideographic spaces, so every one is renamed.
    const names = Array.from({ length: 1000 }, (_, i) => `${'名'.repeat(20)}${String(i).padStart(4, '0')}`);
    const pad = '\u3000'.repeat(6);
    const header = `${names.map((name) => `${pad}${name}${pad}`).join(',')}\n${names.map(() => 'v').join(',')}\n`;
    const sink = new ChunkSink(h.services.store, 'ds-limits');
    for await (const batch of readDataset(() => Readable.from([Buffer.from(header)]))) await sink.add(batch);
    assert.deepEqual(sink.columns, names);
    assert.equal(sink.headerRenames.length, 1000);
    // Five values per column at the cell limit, three bytes a character; distinct, so min, max and five examples differ.
    const values = Array.from({ length: 5 }, (_, i) => String.fromCharCode(0x4e00 + i).repeat(131_072));
    const profiler = new DatasetProfiler();
    const batch: RowBatch = { columns: names, rows: values.map((value) => names.map(() => value)), issues: [], firstRowNumber: 1 };
    profiler.add(batch);
    const now = new Date().toISOString();
    const base: DatasetDoc = {
      _id: `ds-limits-${randomBytes(4).toString('hex')}`, kind: 'dataset', name: 'limits', fileName: 'limits.csv', sizeBytes: 655_360_000,
      blobId: 'raw-limits', uploadedBy: 'test', createdAt: now, updatedAt: now, status: 'parsing', parseOptions: {}, columns: [],
      headerRenames: [], rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
    };
    await insertDataset(h.services.store, base);
    const { columns, headerRenames, issueCount } = sink;
    const result = { columns, headerRenames, issueCount, rowCount: 5, chunkCount: 1, profile: profiler.result(), bytesRead: 655_360_000 };
    const ready = await updateDataset(h.services.store, base._id, (doc) => readyState(doc, result));
    assert.ok(ready, 'stored through the Cloudant-limits front');
    const size = documentSize(ready);
    assert.ok(size < STORE_LIMITS.documentBytes && size > 700_000, `document size ${size}`);
    t.diagnostic(`dataset document at the limits: ${size} bytes`);
  });

  test('a row that compresses to more than one request holds is a chunk of its own, stored in pieces and read back whole', async () => {
    // Rows of 100 cells of 120,000 random base64 characters: 12 MB each, ~9 MB of gzip, over the 6 MB sent inline and
    // one 8 MB attachment; a chunk is cut once it holds 4 MB of text, so each row is a chunk.
    const cells = 100;
    const lines = Array.from({ length: 3 }, (_, i) => [i, ...Array.from({ length: cells }, () => randomBytes(90_000).toString('base64'))].join(','));
    const header = ['id', ...Array.from({ length: cells }, (_, c) => `noise${c}`)].join(',');
    const res = await upload(h, 'noisy.csv', `${header}\n${lines.join('\n')}\n`).expect(202);
    const dataset = await settled(h, res.body.id, 60_000);
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.equal(dataset.chunkCount, 3);
    type StoredChunk = { pieces: number; rowCount: number; _attachments: Record<string, { length: number }> };
    const chunk = (await h.services.store.db('datasets').get(`${res.body.id}:chunk:000001`)) as unknown as StoredChunk;
    assert.deepEqual([chunk.rowCount, chunk.pieces], [1, 2]);
    assert.ok(Object.values(chunk._attachments).every((a) => a.length <= 8_000_000));
    const page = await rows(h, res.body.id, 0, 3);
    assert.deepEqual(page.rows, lines.map((l) => l.split(',')));
    // Its profile keeps the values cut, and the page says so in either language.
    assert.ok((dataset.profile as { examples: string[] }[])[1].examples.every((e) => e.length === 65 && e.endsWith('…')));
    const pageIn = (language: string) => h.get(`/datasets/${res.body.id}`).set('accept', 'text/html').set('accept-language', language).expect(200);
    const en = (await pageIn('en')).text;
    assert.match(en, /Long texts are shortened here and end in …/);
    // The preview cuts its cells too: 3 rows of 100 cells of 120,000 characters would be a 36 MB page.
    assert.match(en, /<p class="muted" data-field="preview-cut">Long texts are shortened here/);
    assert.ok(en.length < 200_000, `${en.length} characters of page`);
    assert.ok(en.includes(`<td>${lines[1].split(',')[1].slice(0, 200)}…</td>`), 'a cell shows its first 200 characters');
    assert.match((await pageIn('zh-CN')).text, /较长的文本在此处被截短/);
  });
});
