import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHUNK_ROWS, ChunkSink, DatasetDoc, readChunk, readChunkDoc, readRows, writeChunk, type RowBatch } from '../../../src/datasets/index.js';
import { connectTestServices } from '../../support/services.js';
import { chunkDocs } from './support.js';

const columns = ['id', 'name'];
/** `chunks` whole chunks of rows, numbered on from `firstRow`. */
const rowsOf = (firstRow: number, chunks: number): RowBatch => ({
  columns,
  rows: Array.from({ length: chunks * CHUNK_ROWS }, (_, i) => [String(firstRow + i), `Company ${firstRow + i}`]),
  issues: [],
  firstRowNumber: firstRow,
});

/** Waits until `count` chunks of the dataset are stored; answers how many are. */
async function storedChunks(services: Awaited<ReturnType<typeof connectTestServices>>, datasetId: string, count: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let stored = await chunkDocs(services, datasetId);
  while (stored < count && Date.now() < deadline) {
    await sleep(50);
    stored = await chunkDocs(services, datasetId);
  }
  return stored;
}

describe('chunk sink: when the chunks of a parse are stored', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  test('the first chunks are stored as each is cut, before the next rows arrive; later ones 8 a write', async () => {
    const datasetId = `ds-sink-${randomBytes(4).toString('hex')}`;
    const sink = new ChunkSink(services.store, datasetId);
    // One chunk's rows, and nothing more yet: a run following the parse can read them now.
    assert.equal(await sink.add(rowsOf(1, 1)), 1);
    assert.equal(await storedChunks(services, datasetId, 1), 1);
    const first = await readChunk(services.store, datasetId, 0);
    assert.deepEqual([first.firstRow, first.rows.length, first.rows[0], first.rows.at(-1)], [1, CHUNK_ROWS, ['1', 'Company 1'], ['5000', 'Company 5000']]);
    // Up to the 8th chunk, each alone.
    await sink.add(rowsOf(CHUNK_ROWS + 1, 4));
    assert.equal(await storedChunks(services, datasetId, 5), 5);
    await sink.add(rowsOf(5 * CHUNK_ROWS + 1, 3));
    assert.equal(await storedChunks(services, datasetId, 8), 8);
    // Past them, chunks wait for a group of 8 (fewer, larger requests) or the end of the parse.
    await sink.add(rowsOf(8 * CHUNK_ROWS + 1, 3));
    await sleep(300);
    assert.equal(await chunkDocs(services, datasetId), 8);
    await sink.end();
    assert.equal(await chunkDocs(services, datasetId), 11);
    const last = await readChunk(services.store, datasetId, 10);
    assert.deepEqual([last.firstRow, last.rows.at(-1)], [10 * CHUNK_ROWS + 1, ['55000', 'Company 55000']]);
    assert.equal(sink.rowCount, 11 * CHUNK_ROWS);
  });

  test('rows of a few KB are cut into chunks at the byte limit; every row is found again by its number', async () => {
    const datasetId = `ds-sink-${randomBytes(4).toString('hex')}`;
    const sink = new ChunkSink(services.store, datasetId, 64 * 1024);
    // Rows grow from 20 bytes to ~12 KB of multibyte text and shrink again, arriving in batches of 100.
    const cell = (n: number) => `${n}:${'界🌍"a,'.repeat(n % 500 < 300 ? 1 : 800)}`;
    const total = 1500;
    for (let first = 1; first <= total; first += 100) {
      const rows = Array.from({ length: 100 }, (_, i) => [String(first + i), cell(first + i)]);
      await sink.add({ columns, rows, issues: [], firstRowNumber: first });
    }
    await sink.end();
    assert.equal(sink.rowCount, total);
    const docs = await Promise.all(Array.from({ length: sink.chunkCount }, (_, index) => readChunkDoc(services.store, datasetId, index)));
    let next = 1;
    for (const doc of docs) {
      assert.equal(doc.firstRow, next, `chunk ${doc.index} starts where the one before ended`);
      next += doc.rowCount;
      // At most one batch of rows past the limit (a batch whose rows suddenly grew 800 times).
      assert.ok((doc.bytes ?? 0) <= 64 * 1024 + 100 * 12_000, `chunk ${doc.index} holds ${doc.bytes} bytes`);
    }
    assert.equal(next, total + 1);
    assert.ok(docs.length > 10 && docs.some((d) => d.rowCount > 300), `${docs.length} chunks: small rows share one, large ones are cut (${docs.map((d) => d.rowCount)})`);
    const within = docs.filter((d) => (d.bytes ?? 0) <= 64 * 1024 + 13_000).length;
    assert.ok(within >= docs.length - 3, `only a chunk where rows grew passes the limit by more than a row (${docs.map((d) => d.bytes)})`);

    const now = new Date().toISOString();
    const dataset = DatasetDoc.parse({
      _id: datasetId, kind: 'dataset', name: datasetId, fileName: 'x.csv', sizeBytes: 0, blobId: '', uploadedBy: 'test', createdAt: now, updatedAt: now,
      status: 'ready', columns, rowCount: total, chunkCount: sink.chunkCount,
    });
    for (const [offset, limit] of [[0, 50], [295, 30], [1449, 51], [700, 200]]) {
      const page = await readRows(services.store, dataset, offset, limit);
      assert.deepEqual(page.rows.map((r) => r[0]), Array.from({ length: limit }, (_, i) => String(offset + i + 1)), `rows ${offset + 1}..${offset + limit}`);
      assert.deepEqual(page.rows.map((r) => r[1]), page.rows.map((r) => cell(Number(r[0]))));
    }
  });

  test('a page of rows is found in chunks of any size: more rows than a parse cuts (older code), or a few rows each', async () => {
    for (const sizes of [[7000, 7000, 7000, 500], Array.from({ length: 130 }, (_, i) => 1 + (i % 3))]) {
      const datasetId = `ds-spans-${randomBytes(4).toString('hex')}`;
      let firstRow = 1;
      for (const [index, size] of sizes.entries()) {
        const rows = Array.from({ length: size }, (_, i) => [String(firstRow + i), `Company ${firstRow + i}`]);
        await writeChunk(services.store, datasetId, index, { columns, rows, firstRow });
        firstRow += size;
      }
      const total = firstRow - 1;
      const now = new Date().toISOString();
      const dataset = DatasetDoc.parse({
        _id: datasetId, kind: 'dataset', name: datasetId, fileName: 'x.csv', sizeBytes: 0, blobId: '', uploadedBy: 'test', createdAt: now, updatedAt: now,
        status: 'ready', columns, rowCount: total, chunkCount: sizes.length,
      });
      for (const [offset, limit] of [[0, 10], [12_000, 100], [6990, 20], [150, 60], [total - 5, 50]].filter(([o]) => o < total)) {
        const page = await readRows(services.store, dataset, offset, limit);
        const expected = Array.from({ length: Math.min(limit, total - offset) }, (_, i) => String(offset + i + 1));
        assert.deepEqual(page.rows.map((r) => r[0]), expected, `${sizes.length} chunks: rows ${offset + 1}..${offset + limit}`);
      }
    }
  });
});
