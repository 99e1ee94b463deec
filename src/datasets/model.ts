import { z } from 'zod';
import { idRange } from '../store/index.js';
import { RowMessage } from '../row-messages/index.js';

/**
 * A dataset's life: the raw file arrives, a worker parses it into chunks, then it is ready (or failed). An export
 * has no file: it is `exporting` while a worker queries Salesforce straight into chunks.
 */
export const DatasetStatus = z.enum(['uploading', 'uploaded', 'parsing', 'exporting', 'ready', 'failed']);
export type DatasetStatus = z.infer<typeof DatasetStatus>;

/** Bulk API 2.0 query, REST query, or REST first and Bulk once the result is larger than REST should carry. */
export const ExportApi = z.enum(['auto', 'bulk', 'rest']);
export type ExportApi = z.infer<typeof ExportApi>;

/** Where an exported dataset came from: what ran, how, and how far it got (see src/exports). */
export const QuerySource = z.object({
  kind: z.literal('salesforce-query'),
  connectionId: z.string(),
  object: z.string(),
  soql: z.string(),
  /** Export All: deleted and archived records too (queryAll). */
  queryAll: z.boolean(),
  requestedApi: ExportApi,
  /** The API the run used (auto decides after the first REST page). */
  api: z.enum(['bulk', 'rest']).optional(),
  /** Persisted before its results are read: a retried job reads the same results instead of querying again. */
  bulkJobId: z.string().optional(),
  /** Records the query returns (known once Salesforce has run it). */
  totalRows: z.number().int().nonnegative().optional(),
});
export type QuerySource = z.infer<typeof QuerySource>;

export const DatasetDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('dataset'),
  name: z.string(),
  fileName: z.string(),
  /** Detected from content (magic bytes); see datasets/readers detectFormat. */
  format: z.string().optional(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().optional(),
  /** The raw file's blob; empty for an export (its rows come from a query, not a file). */
  blobId: z.string(),
  /** Set for an export: the query its rows came from. */
  source: QuerySource.optional(),
  /** Set for a dataset a transfer fills (`exporting` until it ends): the transfer, not the sweeper, owns its status. */
  transferId: z.string().optional(),
  uploadedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: DatasetStatus,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Reader options the user chose (encoding, delimiter, header, sheet, ragged rows, pickle index). */
  parseOptions: z.record(z.string(), z.unknown()).default({}),
  columns: z.array(z.string()).default([]),
  /** Header names changed to keep them unique or non-empty: original -> final. */
  headerRenames: z.array(z.object({ original: z.string(), renamed: z.string() })).default([]),
  rowCount: z.number().int().nonnegative().default(0),
  chunkCount: z.number().int().nonnegative().default(0),
  issueCount: z.number().int().nonnegative().default(0),
  profile: z.array(z.record(z.string(), z.unknown())).default([]),
  progress: z.object({ bytesRead: z.number(), rowsRead: z.number() }).optional(),
  /** Things the user should know that did not stop the upload (a name/content format mismatch, ...). */
  notices: z.array(z.string()).default([]),
  /** Incremented by each re-parse; the parse job id carries it so a re-parse is a new job. */
  parseRun: z.number().int().nonnegative().default(0),
  /**
   * Chunks a finished run still has to delete (all of a failed run's, those past a ready run's end). The end state
   * is written first; the deletion comes after, and the sweeper retries it when it failed.
   */
  cleanup: z.object({ run: z.number().int().nonnegative(), fromChunk: z.number().int().nonnegative() }).optional(),
  /**
   * Migrations started while the parse ran (they read chunks as they are stored): a failed parse keeps its chunks for
   * them (their results read the rows they wrote); the chunks go with the dataset.
   */
  followers: z.array(z.string()).optional(),
});
export type DatasetDoc = z.infer<typeof DatasetDoc>;

export type ChunkValue = string | number | boolean | Date | null;

/** One stored chunk: a few thousand consecutive rows, compressed (Brotli; gzip before 2026-12-07) in an attachment. */
export const ChunkDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('chunk'),
  datasetId: z.string(),
  index: z.number().int().nonnegative(),
  /** 1-based dataset row number of the chunk's first row. */
  firstRow: z.number().int().positive(),
  rowCount: z.number().int().nonnegative(),
  /** The rows' text as stored, before compression: batches are planned by it (absent on chunks stored before it was). */
  bytes: z.number().int().nonnegative().optional(),
  /** Accepted rows with remarks (ragged rows padded, ...), kept with their chunk. */
  issues: z.array(z.object({
    row: z.number(), line: z.number().optional(), code: z.string(), message: z.string(), i18n: RowMessage.optional(),
  })).default([]),
  /** Attachments the rows are split over (compressed rows over one attachment's limit): rows.json.gz, then .1, .2, ... */
  pieces: z.number().int().positive().default(1),
});
export type ChunkDoc = z.infer<typeof ChunkDoc>;
/** Where a chunk's rows are in its dataset, and how large their text is. */
export type ChunkSpan = Pick<ChunkDoc, 'index' | 'firstRow' | 'rowCount' | 'bytes'>;

export interface Chunk {
  columns: string[];
  rows: ChunkValue[][];
  firstRow: number;
}

const chunkIndexKey = (index: number): string => String(index).padStart(6, '0');
export const chunkId = (datasetId: string, index: number): string => `${datasetId}:chunk:${chunkIndexKey(index)}`;
/** The ids of a dataset's chunks from `fromIndex` on, in order. */
export const chunkIds = (datasetId: string, fromIndex = 0) => idRange(`${datasetId}:chunk:`, chunkIndexKey(fromIndex));
