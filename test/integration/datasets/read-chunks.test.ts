import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readChunks, writeChunk } from '../../../src/datasets/chunk-store.js';
import { connectTestServices } from '../../support/services.js';

describe('readChunks: the chunks a batch reads', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  test('come in the order asked, each with its first row; a missing one says CHUNK_MISSING', async () => {
    const datasetId = `ds-read-${randomBytes(4).toString('hex')}`;
    const columns = ['id', 'name'];
    for (const index of [0, 1, 2]) {
      const firstRow = index * 2 + 1;
      await writeChunk(services.store, datasetId, index, { columns, rows: [[String(firstRow), `A ${firstRow}`], [String(firstRow + 1), `A, ${firstRow + 1}`]], firstRow });
    }
    const read = [];
    for await (const chunk of readChunks(services.store, datasetId, [2, 0])) read.push(chunk);
    assert.deepEqual(read.map((c) => [c.firstRow, c.rows]), [[5, [['5', 'A 5'], ['6', 'A, 6']]], [1, [['1', 'A 1'], ['2', 'A, 2']]]]);

    const missing = async () => { for await (const chunk of readChunks(services.store, datasetId, [1, 3])) assert.equal(chunk.firstRow, 3); };
    await assert.rejects(missing, { code: 'CHUNK_MISSING', status: 404 });
  });
});
