import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CHUNK_BYTES, CHUNK_ROWS, chunkId, datasetChunks, getDataset, isFullChunk, readChunkDoc, readRows, updateDataset,
  writeChunk, type ChunkValue, type DatasetDoc,
} from '../../../src/datasets/index.js';
import { readChunkSpans } from '../../../src/datasets/chunk-store.js';
import type { ChunkDoc } from '../../../src/datasets/model.js';
import { planBatches } from '../../../src/migrations/plan.js';
import type { TransferRecord } from '../../../src/transfers/model.js';
import { DatasetTarget, createTransferDataset } from '../../../src/transfers/targets/dataset.js';
import { DatasetWrittenKeys } from '../../../src/transfers/targets/dataset-keys.js';
import { connectTestServices } from '../../support/services.js';
import { unique } from './support.js';

type Services = Awaited<ReturnType<typeof connectTestServices>>;

/** About `bytes` of UTF-8 a message carries: CJK, emoji, quotes, CR/LF, commas and tabs, different in each. */
function messageText(n: number, bytes: number): string {
  const piece = `${n}:界面"🌍",\r\n'é\t表😀;\n`;
  return piece.repeat(Math.ceil(bytes / Buffer.byteLength(piece)));
}

/** Message n of a feed: 50-70 KB of text, a number, a flag; from message 100 on, a field the earlier ones lack. */
const message = (n: number): TransferRecord => ({
  id: `M-${n}`, body: messageText(n, 50_000 + ((n * 7919) % 20_000)), n, even: n % 2 === 0,
  ...(n >= 100 ? { late: `L${n}` } : {}),
});
const shortMessage = (n: number): TransferRecord => ({ id: `S-${n}`, body: `short "${n}",\r\n界`, n, even: false });

/** A record as a row of the finished dataset: every column, null where the record has no such field. */
const rowOf = (columns: string[], record: TransferRecord): ChunkValue[] => columns.map((column) => record[column] ?? null);

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

async function newDataset(services: Services): Promise<string> {
  const createdAt = new Date().toISOString();
  const transfer = { id: `transfer:${unique('chunks')}`, name: 'chunks', createdBy: 'test', createdAt };
  return (await createTransferDataset(services.store, transfer))._id;
}

/** The confirmed chunks' documents, in order. */
const chunkDocsOf = (services: Services, doc: DatasetDoc): Promise<ChunkDoc[]> =>
  Promise.all(range(doc.chunkCount).map((index) => readChunkDoc(services.store, doc._id, index)));

/** Every row, through the reader exports, previews and org plans use. */
async function allRows(services: Services, doc: DatasetDoc): Promise<ChunkValue[][]> {
  const rows: ChunkValue[][] = [];
  for await (const chunk of datasetChunks(services.store, doc._id, doc.chunkCount)) rows.push(...chunk.rows);
  return rows;
}

/** A run plans its batches from the chunks' spans: together they hold each row of the dataset once, in order. */
async function assertPlannedOnce(services: Services, doc: DatasetDoc): Promise<void> {
  const { chunkCount } = doc;
  const spans = await readChunkSpans(services.store, doc._id, { limit: chunkCount, chunkCount });
  const batches = planBatches(spans, 25_000);
  let next = 1;
  for (const batch of batches) {
    assert.equal(batch.fromRow, next, `batch ${batch.batch} starts after the one before`);
    next = batch.toRow + 1;
  }
  assert.equal(next, doc.rowCount + 1, `the batches end at row ${doc.rowCount}`);
}

function assertContiguous(docs: ChunkDoc[], rowCount: number): void {
  let next = 1;
  for (const doc of docs) {
    assert.equal(doc.firstRow, next, `chunk ${doc.index} starts where the one before ended`);
    next += doc.rowCount;
  }
  assert.equal(next, rowCount + 1);
}

const openKeyed = (services: Services, datasetId: string, written: DatasetWrittenKeys) =>
  DatasetTarget.open(services.store, services.redis, { datasetId, bound: undefined, keys: { fields: ['id'], written } });

/** Keys that are noted, and then the process dies: after the rows are stored, before the counts confirm them. */
class DyingKeys extends DatasetWrittenKeys {
  dies = false;
  override async note(keys: string[], confirmed: number): Promise<void> {
    await super.note(keys, confirmed);
    if (this.dies) throw new Error('the transfers process died here');
  }
}

describe('a dataset target cuts chunks as a parse does', () => {
  let services: Services;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  it('stores messages of 60 KB in chunks of about 4 MB, a 12 MB one alone, and every row reads back whole, in order', async () => {
    const datasetId = await newDataset(services);
    const target = await DatasetTarget.open(services.store, services.redis, { datasetId, bound: undefined });
    const records = range(251).map(message);
    // Random base64: 12 MB of text that gzip leaves at ~9 MB, more than one request carries (stored in pieces).
    records[140] = { ...records[140], body: randomBytes(9_000_000).toString('base64') };
    let at = 0;
    for (const size of [1, 30, 97, 3, 120]) {
      await target.write(records.slice(at, at + size));
      at += size;
    }
    const exporting = await getDataset(services.store, datasetId);
    const docs = await chunkDocsOf(services, exporting);
    assertContiguous(docs, 251);
    const alone = docs.findIndex((doc) => doc.firstRow === 141);
    assert.deepEqual([docs[alone]?.rowCount, (docs[alone]?.pieces ?? 0) > 1], [1, true], 'the 12 MB message is a chunk of its own');
    for (const doc of docs.filter((_, i) => i !== alone)) {
      assert.ok((doc.bytes ?? Infinity) <= CHUNK_BYTES + 256 * 1024, `chunk ${doc.index} holds ${doc.bytes} bytes`);
    }
    // Full but for the last one and the one cut before the 12 MB message: cut by bytes, long before 5,000 rows.
    const cutEarly = new Set([alone - 1, docs.length - 1]);
    const full = docs.every((doc, i) => cutEarly.has(i) || isFullChunk(doc.rowCount, doc.bytes ?? 0));
    assert.ok(full, `${docs.map((d) => d.bytes)}`);
    assert.ok(docs.length >= 6 && docs.every((doc) => doc.rowCount < 100), `${docs.map((d) => d.rowCount)} rows a chunk`);

    await target.finish();
    const ready = await getDataset(services.store, datasetId);
    assert.deepEqual([ready.status, ready.rowCount, ready.columns], ['ready', 251, ['id', 'body', 'n', 'even', 'late']]);
    const expected = records.map((record) => rowOf(ready.columns, record));
    const rows = await allRows(services, ready);
    assert.equal(rows.length, 251);
    // Strings compared whole: the text comes back byte for byte (CJK, emoji, quotes, CR/LF).
    for (const i of range(251)) assert.deepEqual(rows[i], expected[i], `row ${i + 1}`);
    for (const [offset, limit] of [[0, 3], [29, 4], [125, 20], [139, 3], [240, 30]]) {
      const page = await readRows(services.store, ready, offset, limit);
      assert.deepEqual(page.rows, expected.slice(offset, offset + limit), `rows ${offset + 1}..${offset + limit}`);
    }
    await assertPlannedOnce(services, ready);
  });

  it('a run dying between storing chunks and confirming them loses no row, doubles none; its chunks are never read', async () => {
    const datasetId = await newDataset(services);
    const base = unique('dms-test-dataset-keys');
    const dying = new DyingKeys(services.redis, base, 60_000);
    const first = await openKeyed(services, datasetId, dying);
    const long = range(300).map(message);
    await first.write(long.slice(0, 10));
    dying.dies = true;
    await assert.rejects(first.write(long.slice(10)), /died here/);
    const died = await getDataset(services.store, datasetId);
    assert.deepEqual([died.rowCount, died.chunkCount], [10, 1], 'only the first write is confirmed');
    const left = await readChunkSpans(services.store, datasetId, { limit: 100 });
    assert.ok(left.length >= 4, 'the dead run stored chunks past the confirmed one');

    // The next run (another process, the same keys) reads the unacknowledged records again, then goes on.
    const written = new DatasetWrittenKeys(services.redis, base, 60_000);
    const next = await openKeyed(services, datasetId, written);
    const short = range(400).map(shortMessage);
    await next.write(long.slice(10, 160));
    await next.write(short);
    const midway = await getDataset(services.store, datasetId);
    assert.equal(midway.rowCount, 560);
    const stored = await readChunkSpans(services.store, datasetId, { limit: 100 });
    const stale = stored.filter((span) => span.index >= midway.chunkCount);
    const among = stale.some((span) => span.firstRow <= midway.rowCount);
    assert.ok(among, `a dead run's chunk starts among the confirmed rows (${JSON.stringify(stale)})`);
    // Readers go by the dataset's chunk count: read as if it were ready now, those chunks add nothing.
    const expectedMidway = [...long.slice(0, 160), ...short].map((record) => record.id);
    const page = await readRows(services.store, { ...midway, status: 'ready' }, 0, midway.rowCount);
    assert.deepEqual(page.rows.map((row) => row[0]), expectedMidway);
    await assertPlannedOnce(services, midway);

    await next.write(long.slice(160));
    await next.finish();
    const ready = await getDataset(services.store, datasetId);
    const ids = (await allRows(services, ready)).map((row) => row[0]);
    assert.deepEqual(ids, [...expectedMidway, ...long.slice(160).map((record) => record.id)], 'every record once, in order');
    assertContiguous(await chunkDocsOf(services, ready), 700);
    const kept = await readChunkSpans(services.store, datasetId, { limit: 100 });
    assert.deepEqual(kept.map((span) => span.index), range(ready.chunkCount), 'chunks past the count are deleted at the end');
    await written.clear();
  });

  for (const [oldRows, layout] of [[12_345, 'its last chunk partial'], [10_000, 'full chunks only']] as const) {
    it(`goes on filling a dataset older code stored in chunks of 5,000 rows without bytes (${layout})`, async () => {
      const datasetId = await newDataset(services);
      const columns = ['id', 'body'];
      const old = (n: number): ChunkValue[] => [`O-${n}`, `old row ${n}`];
      // A run of the older code that died left 3,155 rows past the count: in the last chunk and in a chunk after it.
      const stored = oldRows + 3155;
      for (let index = 0; index * CHUNK_ROWS < stored; index++) {
        const firstRow = index * CHUNK_ROWS + 1;
        const rows = range(Math.min(CHUNK_ROWS, stored - firstRow + 1)).map((i) => old(firstRow + i));
        await writeChunk(services.store, datasetId, index, { columns, rows, firstRow });
        const db = services.store.db('datasets');
        const { bytes: _bytes, ...before } = (await db.get(chunkId(datasetId, index))) as unknown as ChunkDoc;
        await db.insert(before as never);
      }
      const chunkCount = Math.ceil(oldRows / CHUNK_ROWS);
      await updateDataset(services.store, datasetId, (doc) => ({ ...doc, columns, rowCount: oldRows, chunkCount }));

      const target = await DatasetTarget.open(services.store, services.redis, { datasetId, bound: undefined });
      const records = [...range(20).map(message), ...range(3000).map(shortMessage)];
      await target.write(records.slice(0, 1000));
      await target.write(records.slice(1000));
      await target.finish();
      const ready = await getDataset(services.store, datasetId);
      assert.equal(ready.rowCount, oldRows + records.length);
      const widenedOld = range(oldRows).map((i) => [...old(i + 1), null, null]);
      const expected = [...widenedOld, ...records.map((record) => rowOf(ready.columns, record))];
      const rows = await allRows(services, ready);
      assert.equal(rows.length, expected.length);
      for (const i of range(rows.length)) assert.deepEqual(rows[i], expected[i], `row ${i + 1}`);
      const page = await readRows(services.store, ready, oldRows - 3, 6);
      assert.deepEqual(page.rows, expected.slice(oldRows - 3, oldRows + 3));
      const docs = await chunkDocsOf(services, ready);
      assertContiguous(docs, ready.rowCount);
      assert.ok(docs.every((doc) => (doc.bytes ?? 0) <= CHUNK_BYTES + 256 * 1024), `${docs.map((d) => d.bytes)}`);
      await assertPlannedOnce(services, ready);
    });
  }
});
