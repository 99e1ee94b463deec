import { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import { isMissing, withRetry } from '../store/index.js';
import { AppError } from '../errors.js';
import { BLOB_PART_ATTACHMENT, BlobManifest, manifestId, partId } from './model.js';

export async function readManifest(store: Store, blobId: string): Promise<BlobManifest | undefined> {
  await store.client.authorize();
  try {
    return BlobManifest.parse(await withRetry(() => store.db('blobs').get(manifestId(blobId))));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Fetches part n+1 while part n is consumed: two parts in memory at most. */
async function* parts(store: Store, manifest: BlobManifest): AsyncGenerator<Buffer> {
  const fetchPart = (part: number) => {
    const pending = (async () => {
      await store.client.authorize();
      return withRetry(() => store.db('blobs').attachment.get(partId(manifest.blobId, part), BLOB_PART_ATTACHMENT));
    })();
    pending.catch(() => undefined); // awaited below; this only covers a reader that stopped early
    return pending;
  };
  let next = manifest.parts > 0 ? fetchPart(0) : undefined;
  for (let part = 0; next; part++) {
    const current = await next;
    next = part + 1 < manifest.parts ? fetchPart(part + 1) : undefined;
    yield current;
  }
}

/**
 * Streams a complete blob back part by part (the next one prefetched), from any process that
 * reaches the store. Fails with BLOB_MISSING when the blob is absent or was never completed.
 */
export function openBlob(store: Store, blobId: string): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    const manifest = await readManifest(store, blobId);
    if (!manifest?.complete) {
      throw new AppError('BLOB_MISSING', 410, `The uploaded file ${blobId} is missing or was never completely received; upload it again.`);
    }
    yield* parts(store, manifest);
  }
  return Readable.from(bytes(), { objectMode: false, highWaterMark: 1 });
}

/** Deletes a blob's parts and manifest, complete or not (an aborted upload leaves parts past the manifest count). */
export async function deleteBlob(store: Store, blobId: string): Promise<number> {
  const db = store.db<{ _id: string; _rev: string }>('blobs');
  let deleted = 0;
  for (;;) {
    await store.client.authorize();
    const page = await withRetry(() =>
      db.find({ selector: { blobId: { $eq: blobId }, part: { $gte: 0 } }, fields: ['_id', '_rev'], limit: 100, use_index: 'by-blob' }),
    );
    if (page.docs.length === 0) break;
    await withRetry(() => db.bulk({ docs: page.docs.map((d) => ({ _id: d._id, _rev: d._rev, _deleted: true })) }));
    deleted += page.docs.length;
  }
  try {
    const manifest = await withRetry(() => db.get(manifestId(blobId)));
    await withRetry(() => db.destroy(manifest._id, manifest._rev));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  return deleted;
}
