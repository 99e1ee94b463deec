import type { Store } from '../store/index.js';
import { notFound } from '../errors.js';
import { findDataset, updateDataset } from './dataset-store.js';
import type { DatasetDoc } from './model.js';

/** A parse in progress: the file is arriving or being read into chunks. */
const PARSING: ReadonlySet<DatasetDoc['status']> = new Set(['uploading', 'uploaded', 'parsing']);

/**
 * A dataset a migration may follow while it is parsed: the first parse of an upload (a re-parse rewrites chunks a
 * follower may already have read).
 */
export const followable = (doc: DatasetDoc): boolean => PARSING.has(doc.status) && doc.parseRun === 0;

/**
 * Records `migrationId` as following the parse, so that a failed parse keeps the chunks the run reads; in the same
 * write as the parse's end state is (read-change-write), so either the parse sees the follower or the caller sees
 * the end. Answers the dataset as it is now: still followable (followed), or ready or failed (not followed).
 */
export async function followParse(store: Store, datasetId: string, migrationId: string): Promise<DatasetDoc> {
  const followed = await updateDataset(store, datasetId, (doc) =>
    (followable(doc) ? { ...doc, followers: [...new Set([...(doc.followers ?? []), migrationId])] } : undefined));
  if (followed) return followed;
  const now = await findDataset(store, datasetId);
  if (!now) throw notFound(`Dataset ${datasetId}`);
  return now;
}
