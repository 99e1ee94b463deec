import { z } from 'zod';
import type { Services } from '../services.js';
import { readChunks } from '../datasets/chunk-store.js';
import { csvLine } from '../salesforce/index.js';
import { listBatches, readOutcomes, getMigration } from './store.js';
import type { RowOutcome } from './outcomes.js';
import type { MigrationDoc } from './model.js';
import { SOURCE_ROW_COLUMN } from './retry.js';

type Cell = string | number | boolean | null | undefined;
const cellOf = (v: unknown): Cell => (v instanceof Date ? v.toISOString() : (v as Cell));

export type ResultKind = 'success' | 'errors';

/**
 * `dms`: the original row, then Id and Created (success) or StatusCode, Message and Fields (errors), then the
 * row's number in the source file. `dataloader`: Data Loader's files, ID, the original row, STATUS or ERROR.
 */
export const ResultLayout = z.enum(['dms', 'dataloader']).catch('dms');
export type ResultLayout = z.infer<typeof ResultLayout>;


function header(migration: MigrationDoc, kind: ResultKind, layout: ResultLayout): string[] {
  if (layout === 'dataloader') return ['ID', ...migration.columns, kind === 'success' ? 'STATUS' : 'ERROR'];
  return [...migration.columns, ...(kind === 'success' ? ['Id', 'Created'] : ['StatusCode', 'Message', 'Fields']), 'Source Row'];
}

function line(layout: ResultLayout, kind: ResultKind, original: Cell[], o: RowOutcome, sourceRow: Cell): Cell[] {
  if (layout === 'dataloader') {
    const status = o.created ? 'Item Created' : 'Item Updated';
    return [o.id ?? '', ...original, kind === 'success' ? status : o.message];
  }
  const extra = kind === 'success' ? [o.id, o.created ? 'true' : 'false'] : [o.code, o.message, (o.fields ?? []).join(',')];
  return [...original, ...extra, sourceRow];
}

/**
 * The rows of one results file, a header first, then the rows of each chunk (batch by batch, so memory holds
 * one chunk): success = rows written; errors = rows failed or in doubt (skipped rows are in neither).
 */
export async function* resultRows(services: Services, id: string, kind: ResultKind, layout: ResultLayout): AsyncGenerator<Cell[][]> {
  const migration = await getMigration(services, id);
  yield [header(migration, kind, layout)];
  const wanted = (o: RowOutcome) => (kind === 'success' ? o.status === 'ok' : o.status === 'fail' || o.status === 'doubt');
  for (const batch of await listBatches(services, id, migration.batchCount)) {
    if ((kind === 'success' ? batch.totals.succeeded : batch.totals.failed) === 0) continue;
    const outcomes = await readOutcomes(services, batch);
    for await (const chunk of readChunks(services.store, migration.datasetId, batch.chunks)) {
      const sourceAt = chunk.columns.indexOf(SOURCE_ROW_COLUMN);
      const rows: Cell[][] = [];
      chunk.rows.forEach((values, i) => {
        const row = chunk.firstRow + i;
        const o = outcomes.get(row);
        if (row < batch.fromRow || row > batch.toRow || !o || !wanted(o)) return;
        const original = migration.columns.map((c) => cellOf(values[chunk.columns.indexOf(c)]));
        rows.push(line(layout, kind, original, o, sourceAt >= 0 ? cellOf(values[sourceAt]) : row));
      });
      if (rows.length > 0) yield rows;
    }
  }
}

/** One results file as CSV; `write` settles when the sink can take more (back-pressure). Returns the rows written. */
export async function writeResultsCsv(
  services: Services, id: string, kind: ResultKind, write: (text: string) => Promise<void>, layout: ResultLayout = 'dms',
): Promise<number> {
  let written = -1;
  for await (const rows of resultRows(services, id, kind, layout)) {
    await write(rows.map(csvLine).join(''));
    written += rows.length;
  }
  return written;
}
