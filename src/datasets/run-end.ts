import type { Store } from '../store/index.js';
import { withRetryWithin } from '../store/index.js';
import { logger } from '../logger.js';
import { cutText } from '../cut-text.js';
import { deleteChunks } from './chunk-store.js';
import { findDataset, updateDataset } from './dataset-store.js';
import type { DatasetDoc } from './model.js';

/** How long a parse retries writing its end state (`ready` or `failed`) while the store is unreachable. */
export const END_STATE_RETRY_MS = 60_000;
/** Longest error message kept on a dataset: a reader's message may quote the file (a header row, a value). */
const ERROR_MESSAGE_CHARS = 2000;

export interface ParseFailure {
  code: string;
  message: string;
}

/**
 * Writes a parse's end state, again and again for up to END_STATE_RETRY_MS while the store is unreachable or busy:
 * it comes before any cleanup, so a dataset never stays `parsing` because a deletion failed. Undefined when the
 * dataset is gone or `change` declines (another run owns it now).
 */
export const writeEndState = (store: Store, id: string, change: (doc: DatasetDoc) => DatasetDoc | undefined) =>
  withRetryWithin(END_STATE_RETRY_MS, () => updateDataset(store, id, change));

/** What a parse that read the whole file knows. */
export interface ParseResult {
  columns: string[];
  headerRenames: DatasetDoc['headerRenames'];
  rowCount: number;
  chunkCount: number;
  issueCount: number;
  profile: DatasetDoc['profile'];
  bytesRead: number;
  file?: { size: number; sha256?: string };
}

/** A ready dataset; chunks a longer earlier run left past its end are to be deleted. */
export const readyState = (doc: DatasetDoc, result: ParseResult): DatasetDoc => ({
  ...doc,
  status: 'ready',
  error: undefined,
  sizeBytes: result.file?.size ?? doc.sizeBytes,
  sha256: result.file?.sha256 ?? doc.sha256,
  columns: result.columns,
  headerRenames: result.headerRenames,
  rowCount: result.rowCount,
  chunkCount: result.chunkCount,
  issueCount: result.issueCount,
  profile: result.profile,
  progress: { bytesRead: result.bytesRead, rowsRead: result.rowCount },
  cleanup: { run: doc.parseRun, fromChunk: result.chunkCount },
});

/**
 * A failed dataset holds no rows; all of its run's chunks are to be deleted, unless a migration followed the parse
 * (its batches and results read them): then they stay until the dataset is deleted.
 */
export const failedState = (doc: DatasetDoc, failure: ParseFailure): DatasetDoc => ({
  ...doc,
  status: 'failed',
  error: { code: failure.code, message: cutText(failure.message, ERROR_MESSAGE_CHARS) },
  columns: [],
  headerRenames: [],
  rowCount: 0,
  chunkCount: 0,
  issueCount: 0,
  profile: [],
  cleanup: keepsChunks(doc) ? undefined : { run: doc.parseRun, fromChunk: 0 },
});

/** Chunks a migration read while the parse ran outlive a failed parse (see `followers`). */
export const keepsChunks = (doc: DatasetDoc): boolean => (doc.followers?.length ?? 0) > 0;

/**
 * Deletes the chunks a finished run left (its `cleanup`) and clears the mark. A failure is logged and left for the
 * sweeper to retry. The deletion stops once a newer run has started: that run rewrites the chunks and ends with a
 * cleanup of its own.
 */
export async function cleanUpChunks(store: Store, doc: DatasetDoc): Promise<boolean> {
  const { cleanup } = doc;
  if (!cleanup) return true;
  const sameRun = async () => {
    const current = await findDataset(store, doc._id);
    return !current || current.parseRun === cleanup.run;
  };
  try {
    await deleteChunks(store, doc._id, cleanup.fromChunk, sameRun);
    const same = (current: DatasetDoc) =>
      current.cleanup?.run === cleanup.run && current.cleanup.fromChunk === cleanup.fromChunk;
    await updateDataset(store, doc._id, (current) => (same(current) ? { ...current, cleanup: undefined } : undefined));
    return true;
  } catch (err) {
    const log = logger('datasets', { datasetId: doc._id, run: cleanup.run });
    log.warn({ err }, 'chunks a finished parse left are not deleted yet; the sweeper retries');
    return false;
  }
}
