import type { Store } from '../store/index.js';
import {
  ChunkSink, DatasetProfiler, datasetChunks, insertDataset, newDatasetId, type ChunkValue, type DatasetDoc,
} from '../datasets/index.js';
import { IdMapReader } from './id-map.js';

/** A column of source Ids of a plan object, to be rewritten to the Ids the target org gave those records. */
export interface LookupColumn {
  column: string;
  object: string;
}

/** Turns source values (Ids, user names) into target Ids; values it cannot turn are absent from the answer. */
export interface IdResolver {
  lookup(values: Iterable<string>): Promise<Map<string, string>>;
}

/** A column rewritten by a resolver of its own (owners by user name) rather than by a plan object's Id map. */
export interface ResolvedColumn {
  column: string;
  resolver: IdResolver;
}

/** Lookups whose source record has no target Id (not in the plan run's map): emptied, counted, a few examples kept. */
export interface UnmappedLookups {
  column: string;
  count: number;
  examples: string[];
}

const EXAMPLES = 5;

/**
 * A copy of an exported dataset with its lookup columns rewritten through a plan run's Id map, chunk by chunk (one in
 * memory at a time). A source Id the map does not hold (its parent was not copied) becomes empty and is counted, so
 * the migration writes the record without that lookup rather than with an Id of the wrong org.
 */
export async function remapLookups(
  store: Store, runId: string, from: DatasetDoc, lookupColumns: LookupColumn[], resolved: ResolvedColumn[] = [],
): Promise<{ dataset: DatasetDoc; unmapped: UnmappedLookups[] }> {
  const lookups: ResolvedColumn[] = [
    ...lookupColumns.map((l) => ({ column: l.column, resolver: new IdMapReader(store, runId, l.object) })), ...resolved,
  ];
  const id = newDatasetId();
  const sink = new ChunkSink(store, id);
  const profiler = new DatasetProfiler();
  const unmapped = lookups.map((l) => ({ column: l.column, count: 0, examples: [] as string[] }));
  for await (const chunk of datasetChunks(store, from._id, from.chunkCount)) {
    const rows: ChunkValue[][] = chunk.rows.map((row) => [...row]);
    for (const [i, lookup] of lookups.entries()) {
      const at = chunk.columns.indexOf(lookup.column);
      if (at < 0) continue;
      const ids = new Set(rows.map((row) => row[at]).filter((v): v is string => typeof v === 'string' && v !== ''));
      const found = await lookup.resolver.lookup(ids);
      for (const row of rows) {
        const source = row[at];
        if (typeof source !== 'string' || source === '') continue;
        row[at] = found.get(source) ?? null;
        if (row[at] !== null) continue;
        unmapped[i].count++;
        if (unmapped[i].examples.length < EXAMPLES) unmapped[i].examples.push(source);
      }
    }
    const batch = { columns: chunk.columns, rows, issues: [], firstRowNumber: chunk.firstRow };
    profiler.add(batch);
    await sink.add(batch);
  }
  await sink.end();
  const now = new Date().toISOString();
  const dataset = await insertDataset(store, {
    ...from, _id: id, _rev: undefined, name: `${from.name} (lookups remapped)`, createdAt: now, updatedAt: now,
    status: 'ready', columns: from.columns, rowCount: sink.rowCount, chunkCount: sink.chunkCount,
    profile: profiler.result(), cleanup: undefined,
  });
  return { dataset, unmapped: unmapped.filter((u) => u.count > 0) };
}
