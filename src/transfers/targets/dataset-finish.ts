import type { Redis } from 'ioredis';
import type { Store } from '../../store/index.js';
import {
  DatasetProfiler, cleanUpChunks, datasetChunks, getDataset, publishProgress, readyState, writeChunk, writeEndState,
} from '../../datasets/index.js';

/**
 * Makes a transfer's dataset ready: every chunk read once for the column profile (as a parse makes it), and a chunk
 * written before a later record brought new columns is written again with them (null), so that every row has every
 * column. Safe to run again: a dataset already ready is left as it is.
 */
export async function finishDataset(store: Store, redis: Redis, datasetId: string): Promise<void> {
  const doc = await getDataset(store, datasetId);
  if (doc.status !== 'exporting' || !doc.transferId) return;
  const { columns } = doc;
  const profiler = new DatasetProfiler();
  for await (const chunk of datasetChunks(store, datasetId, doc.chunkCount)) {
    const rows = chunk.rows.slice(0, doc.rowCount - chunk.firstRow + 1);
    const narrow = chunk.columns.length < columns.length || rows.some((row) => row.length < columns.length);
    const widened = narrow ? rows.map((row) => columns.map((_, c) => row[c] ?? null)) : rows;
    if (widened !== rows || rows.length < chunk.rows.length) {
      await writeChunk(store, datasetId, chunk.index, { columns, rows: widened, firstRow: chunk.firstRow });
    }
    profiler.add({ columns, rows: widened, issues: [], firstRowNumber: chunk.firstRow });
  }
  const result = {
    columns, headerRenames: [], rowCount: doc.rowCount, chunkCount: doc.chunkCount, issueCount: 0,
    profile: profiler.result(), bytesRead: 0,
  };
  const ready = await writeEndState(store, datasetId, (current) =>
    current.status === 'exporting' ? readyState(current, result) : undefined);
  if (!ready) return;
  // Chunks a run that died stored past the confirmed rows.
  await cleanUpChunks(store, ready);
  const progress = { status: 'ready' as const, bytesRead: 0, sizeBytes: 0, rowsRead: doc.rowCount, chunks: doc.chunkCount };
  await publishProgress(redis, datasetId, progress).catch(() => undefined);
}
