import type { Store } from '../store/index.js';
import { withRetry } from '../store/index.js';
import { AppError } from '../errors.js';
import { readChunkSpans, readChunks } from './chunk-store.js';
import { CHUNK_ROWS } from './chunk-sink.js';
import { ChunkDoc, type ChunkSpan, type ChunkValue, type DatasetDoc } from './model.js';

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

const SPANS_PER_READ = 50;

/**
 * The chunks holding 1-based rows `from` .. `to`, read a page of spans at a time from chunk `start` on; undefined when
 * chunk `start` begins after `from`. Only the dataset's `chunkCount` chunks: any after them hold no rows of it.
 */
async function spansFrom(
  store: Store, doc: DatasetDoc, start: number, from: number, to: number,
): Promise<ChunkSpan[] | undefined> {
  const found: ChunkSpan[] = [];
  const { chunkCount } = doc;
  for (let fromIndex = start; ; ) {
    const spans = await readChunkSpans(store, doc._id, { fromIndex, limit: SPANS_PER_READ, chunkCount });
    if (fromIndex === start && (spans[0]?.firstRow ?? Infinity) > from) return undefined;
    found.push(...spans.filter((span) => span.firstRow <= to && span.firstRow + span.rowCount > from));
    const last = spans.at(-1);
    if (!last || spans.length < SPANS_PER_READ || last.firstRow + last.rowCount > to) return found;
    fromIndex = last.index + 1;
  }
}

/**
 * A chunk holds at most CHUNK_ROWS rows and mostly exactly that many, so the first chunk of a page is looked for from
 * index (from-1)/CHUNK_ROWS on (one read of a few documents on an ordinary dataset, however long); from index 0 when
 * that index is already past it (a chunk written with more rows by older code).
 */
async function spansOfRows(store: Store, doc: DatasetDoc, from: number, to: number): Promise<ChunkSpan[]> {
  const guess = Math.floor((from - 1) / CHUNK_ROWS);
  const fromGuess = guess > 0 ? await spansFrom(store, doc, guess, from, to) : undefined;
  return fromGuess ?? (await spansFrom(store, doc, 0, from, to)) ?? [];
}

/** The index of the chunk that holds 1-based row `row` of a ready dataset, found from the chunks' documents (no rows read). */
export async function chunkOfRow(store: Store, doc: DatasetDoc, row: number): Promise<number | undefined> {
  requireReady(doc);
  if (row < 1 || row > doc.rowCount) return undefined;
  return (await spansOfRows(store, doc, row, row))[0]?.index;
}

/** Rows offset .. offset+limit-1 (0-based), reading only the chunks that hold them (their documents in one request). */
export async function readRows(store: Store, doc: DatasetDoc, offset: number, limit: number): Promise<RowsPage> {
  requireReady(doc);
  const end = Math.min(offset + limit, doc.rowCount);
  const rows: ChunkValue[][] = [];
  const spans = end > offset ? await spansOfRows(store, doc, offset + 1, end) : [];
  for await (const chunk of readChunks(store, doc._id, spans.map((span) => span.index))) {
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
        selector: { datasetId: { $eq: doc._id }, index: { $gte: from, $lt: Math.min(from + 50, doc.chunkCount) } },
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
