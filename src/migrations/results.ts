import type { Services } from '../services.js';
import { readChunk } from '../datasets/chunk-store.js';
import { csvLine } from '../salesforce/index.js';
import { listBatches, readOutcomes, getMigration } from './store.js';

type Cell = string | number | boolean | null | undefined;
const cellOf = (v: unknown): Cell => (v instanceof Date ? v.toISOString() : (v as Cell));

/**
 * Data Loader's two files, streamed batch by batch: success = original row + Id + Created;
 * errors = original row + StatusCode + Message + Fields (rows in doubt included, skipped rows not).
 * `write` returns a promise that settles when the sink can take more (back-pressure).
 */
export async function writeResultsCsv(services: Services, id: string, kind: 'success' | 'errors', write: (text: string) => Promise<void>): Promise<number> {
  const migration = await getMigration(services, id);
  const extra = kind === 'success' ? ['Id', 'Created'] : ['StatusCode', 'Message', 'Fields'];
  await write(csvLine([...migration.columns, ...extra]));
  let written = 0;
  for (const batch of await listBatches(services, id, migration.batchCount)) {
    const wanted = kind === 'success' ? batch.totals.succeeded : batch.totals.failed;
    if (wanted === 0) continue;
    const outcomes = await readOutcomes(services, batch);
    for (const index of batch.chunks) {
      const chunk = await readChunk(services.store, migration.datasetId, index);
      let text = '';
      chunk.rows.forEach((values, i) => {
        const row = chunk.firstRow + i;
        if (row < batch.fromRow || row > batch.toRow) return;
        const o = outcomes.get(row);
        if (!o) return;
        const original = migration.columns.map((c) => cellOf(values[chunk.columns.indexOf(c)]));
        if (kind === 'success' && o.status === 'ok') text += csvLine([...original, o.id, o.created ? 'true' : 'false']);
        else if (kind === 'errors' && (o.status === 'fail' || o.status === 'doubt')) text += csvLine([...original, o.code, o.message, (o.fields ?? []).join(',')]);
        else return;
        written++;
      });
      if (text) await write(text);
    }
  }
  return written;
}
