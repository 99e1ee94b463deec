import type { Store } from '../store/index.js';
import { withRetry } from '../store/index.js';
import { AppError } from '../errors.js';
import { readChunk, readChunkSpans } from './chunk-store.js';
import { ChunkDoc, type ChunkValue, type DatasetDoc } from './model.js';

export interface RowsPage {
  columns: string[];
  /** 1-based row number of rows[0]. */
  firstRow: number;
  rows: ChunkValue[][];
  offset: number;
  limit: number;
  total: number;
}

function requireReady(doc: DatasetDoc): void {
  if (doc.status !== 'ready') throw new AppError('DATASET_NOT_READY', 409, `Dataset ${doc.name} is ${doc.status}; rows can be read once it is ready.`);
}

/** Rows offset .. offset+limit-1 (0-based), reading only the chunks that hold them. */
export async function readRows(store: Store, doc: DatasetDoc, offset: number, limit: number): Promise<RowsPage> {
  requireReady(doc);
  const end = Math.min(offset + limit, doc.rowCount);
  const rows: ChunkValue[][] = [];
  // Every chunk holds a row: the page's rows lie in at most `limit` + 1 of the chunks starting before its end.
  const spans = end > offset ? await readChunkSpans(store, doc._id, { upToRow: end, limit: end - offset + 1 }) : [];
  for (const span of spans.filter((s) => s.firstRow + s.rowCount > offset + 1)) {
    const chunk = await readChunk(store, doc._id, span.index);
    const from = Math.max(offset + 1 - chunk.firstRow, 0);
    const to = Math.min(end + 1 - chunk.firstRow, chunk.rows.length);
    for (let i = from; i < to; i++) rows.push(chunk.rows[i]);
  }
  return { columns: doc.columns, firstRow: offset + 1, rows, offset, limit, total: doc.rowCount };
}

export interface IssuesPage {
  issues: ChunkDoc['issues'];
  offset: number;
  limit: number;
  /** Issues counted during the parse (each chunk keeps its first 1,000). */
  total: number;
}

/** Issues in row order, read from the chunk documents (not their row attachments). */
export async function readIssues(store: Store, doc: DatasetDoc, offset: number, limit: number): Promise<IssuesPage> {
  requireReady(doc);
  const db = store.db<ChunkDoc>('datasets');
  const issues: ChunkDoc['issues'] = [];
  let skip = offset;
  for (let from = 0; from < doc.chunkCount && issues.length < limit; from += 50) {
    await store.client.authorize();
    const page = await withRetry(() =>
      db.find({
        selector: { datasetId: { $eq: doc._id }, index: { $gte: from, $lt: from + 50 } },
        fields: ['_id', 'kind', 'datasetId', 'index', 'firstRow', 'rowCount', 'issues'],
        sort: [{ datasetId: 'asc' }, { index: 'asc' }],
        use_index: 'by-dataset-chunk',
        limit: 50,
      }),
    );
    for (const chunk of page.docs.map((d) => ChunkDoc.parse(d))) {
      if (skip >= chunk.issues.length) {
        skip -= chunk.issues.length;
        continue;
      }
      issues.push(...chunk.issues.slice(skip, skip + limit - issues.length));
      skip = 0;
      if (issues.length >= limit) break;
    }
  }
  return { issues, offset, limit, total: doc.issueCount };
}
