import type { Store } from '../store/index.js';
import { isMissing, withRetry, writeOnConflict, sortableId } from '../store/index.js';
import { deleteBlob } from '../blobs/index.js';
import { notFound } from '../errors.js';
import { deleteChunks } from './chunk-store.js';
import { DatasetDoc } from './model.js';

/** A dataset id (`sortableId`: sortable by creation time, no colon, so it serves as a BullMQ job id too). */
export function newDatasetId(): string {
  return sortableId('ds', 6);
}

const db = (store: Store) => store.db<DatasetDoc>('datasets');

export async function findDataset(store: Store, id: string): Promise<DatasetDoc | undefined> {
  await store.client.authorize();
  try {
    const doc = await withRetry(() => db(store).get(id));
    return (doc as { kind?: string }).kind === 'dataset' ? DatasetDoc.parse(doc) : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function getDataset(store: Store, id: string): Promise<DatasetDoc> {
  const doc = await findDataset(store, id);
  if (!doc) throw notFound(`Dataset ${id}`);
  return doc;
}

export async function insertDataset(store: Store, doc: DatasetDoc): Promise<DatasetDoc> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).insert(doc));
  return { ...doc, _rev: result.rev };
}

/**
 * Reads, changes and writes a dataset, again on a conflict (the web and a worker both write it).
 * Returns undefined when the dataset is gone (deleted meanwhile) or when `change` returns undefined.
 */
export function updateDataset(store: Store, id: string, change: (doc: DatasetDoc) => DatasetDoc | undefined): Promise<DatasetDoc | undefined> {
  return writeOnConflict(async () => {
    const current = await findDataset(store, id);
    const next = current ? change(current) : undefined;
    if (!current || !next) return undefined;
    return { ...next, _id: current._id, _rev: current._rev, updatedAt: new Date().toISOString() };
  }, (doc) => db(store).insert(doc));
}

export interface DatasetPage {
  datasets: DatasetDoc[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/** Newest first, one page at a time. */
export async function listDatasets(store: Store, page: number, pageSize: number): Promise<DatasetPage> {
  await store.client.authorize();
  const result = await withRetry(() =>
    db(store).find({
      selector: { kind: { $eq: 'dataset' }, createdAt: { $gt: '' } },
      sort: [{ kind: 'desc' }, { createdAt: 'desc' }],
      use_index: 'by-kind-created',
      skip: (page - 1) * pageSize,
      limit: pageSize + 1,
    }),
  );
  const docs = result.docs.map((d) => DatasetDoc.parse(d));
  return { datasets: docs.slice(0, pageSize), page, pageSize, hasMore: docs.length > pageSize };
}

/**
 * Every dataset in `status`, least recently updated first, a page at a time (`_find` with an explicit limit; paged by
 * `updatedAt`, as pouchdb-server has no bookmarks). Documents that change meanwhile may be met again or missed.
 */
export async function* datasetsInStatus(store: Store, status: DatasetDoc['status'], pageSize = 100) {
  let from = '';
  let metAtFrom = new Set<string>();
  for (;;) {
    await store.client.authorize();
    const result = await withRetry(() =>
      db(store).find({
        selector: { status: { $eq: status }, updatedAt: { $gte: from } },
        sort: [{ status: 'asc' }, { updatedAt: 'asc' }],
        use_index: 'by-status-updated',
        limit: pageSize,
      }),
    );
    const docs = result.docs.map((d) => DatasetDoc.parse(d)).filter((d) => !metAtFrom.has(d._id));
    yield* docs;
    const last = docs.at(-1);
    if (result.docs.length < pageSize || !last) return;
    // The next page starts at this page's last time: the documents of that time seen already are skipped.
    const atLast = docs.filter((d) => d.updatedAt === last.updatedAt).map((d) => d._id);
    metAtFrom = new Set(last.updatedAt === from ? [...metAtFrom, ...atLast] : atLast);
    from = last.updatedAt;
  }
}

/** Datasets whose finished run still has chunks to delete (at most `limit`; the sweeper comes back for more). */
export async function datasetsWithCleanup(store: Store, limit = 100): Promise<DatasetDoc[]> {
  await store.client.authorize();
  const selector = { 'cleanup.run': { $gte: 0 } };
  const result = await withRetry(() => db(store).find({ selector, use_index: 'by-cleanup', limit }));
  return result.docs.map((d) => DatasetDoc.parse(d));
}

/** Removes a dataset with its chunks and its raw file. */
export async function deleteDataset(store: Store, doc: Pick<DatasetDoc, '_id' | 'blobId'>): Promise<void> {
  await deleteChunks(store, doc._id);
  if (doc.blobId) await deleteBlob(store, doc.blobId);
  await store.client.authorize();
  try {
    const current = await withRetry(() => db(store).get(doc._id));
    await withRetry(() => db(store).destroy(current._id, current._rev ?? ''));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}
