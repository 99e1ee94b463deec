import type { Store } from '../../store/index.js';
import { datasetChunks } from '../chunk-store.js';
import type { ChunkValue, DatasetDoc } from '../model.js';

/** A cell as text: dates in ISO 8601, booleans as true/false, null as empty. */
export const cellText = (value: ChunkValue): string =>
  value === null ? ''
    : value instanceof Date ? (Number.isNaN(value.getTime()) ? '' : value.toISOString())
      : String(value);

/** A download's destination: resolves once it can take more (back-pressure). */
export type Write = (bytes: string | Uint8Array) => Promise<void>;

/** The dataset's rows chunk by chunk, in the order of its columns (one chunk in memory at a time). */
export async function* rowsOf(store: Store, doc: DatasetDoc): AsyncGenerator<ChunkValue[][]> {
  for await (const chunk of datasetChunks(store, doc._id, doc.chunkCount)) {
    const order = doc.columns.map((column) => chunk.columns.indexOf(column));
    const inOrder = order.every((at, i) => at === i);
    yield inOrder ? chunk.rows : chunk.rows.map((row) => order.map((at) => (at < 0 ? null : row[at])));
  }
}
