import type { Services } from '../services.js';
import type { RowMessage } from '../row-messages/index.js';
import { readChunk } from '../datasets/chunk-store.js';
import type { ChunkValue } from '../datasets/model.js';
import { getMigration, listBatches, readOutcomes } from './store.js';

export interface FailedRow {
  row: number; code: string; message: string; i18n?: RowMessage[]; fields: string[]; values: Record<string, ChunkValue>;
}

/**
 * The first failed rows with their source values, for the "fix and retry" form: only the columns the
 * mapping reads (all columns when the mapping reads derived ones only).
 */
export async function failedRowsSample(services: Services, id: string, limit = 20): Promise<{ columns: string[]; rows: FailedRow[] }> {
  const doc = await getMigration(services, id);
  const mapped = new Set([...doc.template.mapping.fields, ...doc.template.mapping.relationships].map((e) => e.column));
  const direct = doc.columns.filter((c) => mapped.has(c));
  const columns = direct.length > 0 ? direct : doc.columns;
  const rows: FailedRow[] = [];
  for (const batch of await listBatches(services, id, doc.batchCount)) {
    if (batch.totals.failed === 0) continue;
    const outcomes = await readOutcomes(services, batch);
    for (const index of batch.chunks) {
      const chunk = await readChunk(services.store, doc.datasetId, index);
      for (const [i, values] of chunk.rows.entries()) {
        const row = chunk.firstRow + i;
        const o = row >= batch.fromRow && row <= batch.toRow ? outcomes.get(row) : undefined;
        if (!o || (o.status !== 'fail' && o.status !== 'doubt')) continue;
        const picked = Object.fromEntries(columns.map((c) => [c, values[chunk.columns.indexOf(c)] ?? null]));
        const failed = { row, code: o.code ?? 'UNKNOWN', message: o.message ?? '', fields: o.fields ?? [], values: picked };
        rows.push(o.i18n ? { ...failed, i18n: o.i18n } : failed);
        if (rows.length >= limit) return { columns, rows };
      }
    }
  }
  return { columns, rows };
}
