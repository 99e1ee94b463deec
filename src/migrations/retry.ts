import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { withRetry } from '../store/index.js';
import { readChunk } from '../datasets/chunk-store.js';
import { ChunkSink } from '../datasets/chunk-sink.js';
import { DatasetDoc, type ChunkValue } from '../datasets/model.js';
import { FINISHED_STATES } from './model.js';
import type { MigrationDoc } from './model.js';
import { createMigration } from './create.js';
import { getMigration, listBatches, readOutcomes, updateMigration } from './store.js';

/** Replacement cells for failed rows, by the parent's row number and column name. */
export const RowEdits = z.array(z.object({ row: z.number().int().positive(), values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) })).max(10_000).default([]);
export type RowEdits = z.infer<typeof RowEdits>;

export const SOURCE_ROW_COLUMN = 'DMS Source Row';

/** How the retry's dataset and run are named (the pages pass them in the reader's language). */
export interface RetryNames { dataset: (dataset: string, run: string) => string; run: (run: string) => string }
const defaultNames: RetryNames = { dataset: (dataset, run) => `${dataset} (failed rows of ${run})`, run: (run) => `Retry of ${run}` };

/**
 * The failed rows (edited where the operator fixed them) become a dataset of their own, and a new
 * migration over it, linked to its parent, with the same template, object, operation and options.
 */
export async function retryFailedRows(
  services: Services, parentId: string, actor: string, input: unknown = [], names: RetryNames = defaultNames,
): Promise<MigrationDoc> {
  const edits = new Map(RowEdits.parse(input).map((e) => [e.row, e.values]));
  const parent = await getMigration(services, parentId);
  if (!FINISHED_STATES.has(parent.state)) throw new AppError('MIGRATION_STATE', 409, `Migration is ${parent.state}; retry needs a finished run.`);
  // A retry of a retry keeps the first file's row numbers (the column is already there).
  const carried = parent.columns.includes(SOURCE_ROW_COLUMN);
  const columns = carried ? parent.columns : [...parent.columns, SOURCE_ROW_COLUMN];
  const datasetId = `ds-retry-${parentId}-${parent.childIds.length + 1}`;
  // Chunks cut as a parse cuts them (5,000 rows or 4 MB of text): a run's 3,000 failed rows of 78 KB are no 230 MB chunk.
  const sink = new ChunkSink(services.store, datasetId);
  for (const batch of await listBatches(services, parentId, parent.batchCount)) {
    const outcomes = await readOutcomes(services, batch);
    const failed = new Set([...outcomes].filter(([, o]) => o.status === 'fail' || o.status === 'doubt').map(([row]) => row));
    if (failed.size === 0) continue;
    for (const index of batch.chunks) {
      const chunk = await readChunk(services.store, parent.datasetId, index);
      const rows: ChunkValue[][] = [];
      chunk.rows.forEach((values, i) => {
        const row = chunk.firstRow + i;
        if (row < batch.fromRow || row > batch.toRow || !failed.has(row)) return;
        const edit = edits.get(row) ?? {};
        const edited = chunk.columns.map((c, ci) => (c in edit ? edit[c] : values[ci]));
        rows.push(carried ? edited : [...edited, row]);
      });
      await sink.add({ columns, rows, issues: [], firstRowNumber: sink.rowCount + 1 });
    }
  }
  await sink.end();
  const { rowCount, chunkCount } = sink;
  if (rowCount === 0) throw new AppError('NOTHING_TO_RETRY', 409, 'This migration has no failed rows.');
  const now = new Date().toISOString();
  const dataset: DatasetDoc = DatasetDoc.parse({
    _id: datasetId, kind: 'dataset', name: names.dataset(parent.datasetName, parent.name), fileName: `${datasetId}.json`,
    sizeBytes: 0, blobId: '', uploadedBy: actor, createdAt: now, updatedAt: now, status: 'ready', parseOptions: { retryOf: parentId },
    columns, headerRenames: [], rowCount, chunkCount, issueCount: 0, profile: [], notices: [], parseRun: 0,
  });
  await withRetry(() => services.store.db('datasets').insert(dataset as never));
  const child = await createMigration(services, {
    name: names.run(parent.name), datasetId, template: parent.template, connectionId: parent.connectionId, object: parent.object,
    operation: parent.operation, externalIdField: parent.externalIdField, options: parent.options,
  }, actor, { parentId });
  await updateMigration(services, parentId, (m) => ({ ...m, childIds: [...m.childIds, child._id] }));
  return child;
}
