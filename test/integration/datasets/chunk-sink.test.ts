import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHUNK_ROWS, ChunkSink, readChunk, type RowBatch } from '../../../src/datasets/index.js';
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
});
