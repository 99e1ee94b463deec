import type { Services } from '../services.js';
import { readChunk } from '../datasets/index.js';
import { getMigration, listBatches, readOutcomes } from '../migrations/index.js';
import { ID_MAP_CHUNK_PAIRS, writeIdMapChunk } from './id-map.js';

/**
 * Writes a plan object's Id map from its migration: for each succeeded row, the source Id (the dataset's `Id` column)
 * and the target Id (the row's outcome). Walks the batches in order and cuts chunks of ID_MAP_CHUNK_PAIRS, so writing
 * again (a resumed run) produces the same chunks and replaces them.
 */
export async function mapMigrationOutcomes(services: Services, runId: string, object: string, migrationId: string): Promise<number> {
  const migration = await getMigration(services, migrationId);
  let pairs: [string, string][] = [];
  let index = 0;
  let written = 0;
  const flush = async (all: boolean) => {
    while (pairs.length >= ID_MAP_CHUNK_PAIRS || (all && pairs.length > 0)) {
      const chunk = pairs.slice(0, ID_MAP_CHUNK_PAIRS);
      await writeIdMapChunk(services.store, runId, object, index++, chunk);
      written += chunk.length;
      pairs = pairs.slice(chunk.length);
    }
  };
  for (const batch of await listBatches(services, migrationId, migration.batchCount)) {
    if (batch.totals.succeeded === 0) continue;
    const outcomes = await readOutcomes(services, batch);
    for (const chunkIndex of batch.chunks) {
      const chunk = await readChunk(services.store, migration.datasetId, chunkIndex);
      const idAt = chunk.columns.indexOf('Id');
      chunk.rows.forEach((values, i) => {
        const row = chunk.firstRow + i;
        const outcome = outcomes.get(row);
        const source = values[idAt];
        if (row < batch.fromRow || row > batch.toRow || outcome?.status !== 'ok' || !outcome.id) return;
        if (typeof source === 'string' && source !== '') pairs.push([source, outcome.id]);
      });
      await flush(false);
    }
  }
  await flush(true);
  return written;
}
