import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findDataset, sweepDatasets, writeChunk, type DatasetDoc } from '../../../src/datasets/index.js';
import { insertDataset } from '../../../src/datasets/dataset-store.js';
import { enqueueParse } from '../../../src/datasets/parse-job.js';
import { chunkDocs, startHarness } from './support.js';

describe('datasets: the sweeper', () => {
  test('the sweeper fails a dataset whose job is gone, leaves a queued one alone, and deletes chunks a run left', async () => {
    const h = await startHarness({ worker: false });
    try {
      const { store } = h.services;
      const longAgo = new Date(Date.now() - 120_000).toISOString();
      const doc = (id: string, status: DatasetDoc['status'], extra: Partial<DatasetDoc> = {}): DatasetDoc => ({
        _id: `ds-sweep-${id}`, kind: 'dataset', name: id, fileName: `${id}.csv`, sizeBytes: 10, blobId: `raw-${id}`, uploadedBy: 'test',
        createdAt: longAgo, updatedAt: longAgo, status, parseOptions: {}, columns: [], headerRenames: [], rowCount: 0, chunkCount: 0,
        issueCount: 0, profile: [], notices: [], parseRun: 0, ...extra,
      });
      const lost = await insertDataset(store, doc('lost', 'parsing'));
      const queued = await insertDataset(store, doc('queued', 'uploaded'));
      await enqueueParse(h.services, queued);
      const leftover = await insertDataset(store, doc('leftover', 'failed', { cleanup: { run: 0, fromChunk: 0 } }));
      const tail = await insertDataset(store, doc('tail', 'ready', { rowCount: 1, chunkCount: 1, cleanup: { run: 0, fromChunk: 1 } }));
      for (const [d, index] of [[lost, 0], [leftover, 0], [leftover, 1], [tail, 0], [tail, 1]] as const) {
        await writeChunk(store, d._id, index, { columns: ['a'], rows: [['x']], firstRow: index * 5000 + 1 });
      }
      const report = await sweepDatasets(h.services);
      assert.deepEqual(report.failed, [{ id: lost._id, code: 'PARSE_ABANDONED' }]);
      assert.deepEqual(report.cleaned.sort(), [leftover._id, tail._id].sort());
      const failed = await findDataset(store, lost._id);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.error?.message ?? '', /its job is gone from the queue/);
      assert.equal((await findDataset(store, queued._id))?.status, 'uploaded');
      assert.deepEqual(await Promise.all([lost, leftover, tail].map((d) => chunkDocs(h.services, d._id))), [0, 0, 1]);
      const marks = await Promise.all([leftover, tail].map(async (d) => (await findDataset(store, d._id))?.cleanup));
      assert.deepEqual(marks, [undefined, undefined]);
    } finally {
      await h.close();
    }
  });
});
