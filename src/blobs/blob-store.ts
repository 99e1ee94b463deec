import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/index.js';
import { deleteIdRange, getAttachment, isMissing, withRetry } from '../store/index.js';
import { AppError } from '../errors.js';
import { inflateStored } from './compression.js';
import { BLOB_PART_ATTACHMENT, BlobManifest, PART_BYTES, manifestId, partId, partIds } from './model.js';

/** Polling backoff while a followed blob's writer is behind. */
const FOLLOW_MIN_DELAY_MS = 20;
const FOLLOW_MAX_DELAY_MS = 500;

export async function readManifest(store: Store, blobId: string): Promise<BlobManifest | undefined> {
  await store.client.authorize();
  try {
    return BlobManifest.parse(await withRetry(() => store.db('blobs').get(manifestId(blobId))));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

const fetchPart = (store: Store, blobId: string, part: number): Promise<Buffer> => {
  const pending = withRetry(() => getAttachment(store, 'blobs', partId(blobId, part), BLOB_PART_ATTACHMENT));
  pending.catch(() => undefined); // awaited by the reader; this only covers a reader that stopped early
  return pending;
};

/**
 * A stored part's bytes as written. A compressed part is inflated in the thread pool in one go, into an output
 * buffer of a whole part (no part is larger), so one round trip, not one per 16 KB.
 */
async function* decoded(stored: Buffer, encoding: BlobManifest['encoding']): AsyncGenerator<Buffer> {
  if (encoding === undefined || encoding === 'identity') {
    yield stored;
    return;
  }
  yield await inflateStored(stored, encoding, PART_BYTES);
}

/** Fetches part n+1 while part n is consumed: two parts in memory at most. */
async function* parts(store: Store, manifest: BlobManifest): AsyncGenerator<Buffer> {
  let next = manifest.parts > 0 ? fetchPart(store, manifest.blobId, 0) : undefined;
  for (let part = 0; next; part++) {
    const current = await next;
    next = part + 1 < manifest.parts ? fetchPart(store, manifest.blobId, part + 1) : undefined;
    yield* decoded(current, manifest.encoding);
  }
}

/**
 * Streams a complete blob back part by part (the next one prefetched; a compressed part in 64 KB pieces), from any process that
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

export interface FollowOptions {
  /** Fails with UPLOAD_STALLED when no new part arrives for this long while the blob is incomplete. */
  stallMs?: number;
  /** Called once with the complete manifest (final size and SHA-256) before the stream ends. */
  onComplete?: (manifest: BlobManifest) => void;
}

const missing = (blobId: string) =>
  new AppError('BLOB_MISSING', 410, `The uploaded file ${blobId} is missing: its upload was cut off or it was deleted; upload it again.`);

/** A part, or undefined while it is not stored yet. */
async function partIfStored(pending: Promise<Buffer>): Promise<Buffer | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Streams a blob while it is still being written: each part as soon as it is stored (the next one
 * prefetched), polling with a short backoff while the writer is behind, until the manifest says complete.
 * Fails with BLOB_MISSING when the blob is deleted (an upload cut off), UPLOAD_STALLED when it stops growing.
 */
export function followBlob(store: Store, blobId: string, options: FollowOptions = {}): Readable {
  const stallMs = options.stallMs ?? 5 * 60_000;
  async function* bytes(): AsyncGenerator<Buffer> {
    // Written before the first part, with the blob's encoding.
    const opened = await readManifest(store, blobId);
    if (!opened) throw missing(blobId);
    const fetchNext = (part: number) => fetchPart(store, blobId, part);
    let next = fetchNext(0);
    let delay = FOLLOW_MIN_DELAY_MS;
    let lastProgress = Date.now();
    let recheckedPart = -1;
    for (let part = 0; ; ) {
      const current = await partIfStored(next);
      if (current) {
        part++;
        next = fetchNext(part);
        delay = FOLLOW_MIN_DELAY_MS;
        lastProgress = Date.now();
        yield* decoded(current, opened.encoding);
        continue;
      }
      const manifest = await readManifest(store, blobId);
      if (!manifest) throw missing(blobId);
      if (manifest.complete && part >= manifest.parts) {
        options.onComplete?.(manifest);
        return;
      }
      if (manifest.complete) {
        // The part may have been stored just before the manifest was completed: look once more. A part
        // still missing below a complete manifest's count was deleted.
        if (recheckedPart === part) throw missing(blobId);
        recheckedPart = part;
        next = fetchNext(part);
        continue;
      }
      if (Date.now() - lastProgress > stallMs) {
        throw new AppError('UPLOAD_STALLED', 410, `The upload of ${blobId} stopped arriving ${Math.round(stallMs / 1000)} s ago; upload the file again.`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, FOLLOW_MAX_DELAY_MS);
      next = fetchNext(part);
    }
  }
  return Readable.from(bytes(), { objectMode: false, highWaterMark: 1 });
}

/** Deletes a blob's parts and manifest, complete or not (an aborted upload leaves parts past the manifest count). */
export async function deleteBlob(store: Store, blobId: string): Promise<number> {
  const db = store.db<{ _id: string; _rev: string }>('blobs');
  const deleted = await deleteIdRange(store, 'blobs', partIds(blobId));
  try {
    const manifest = await withRetry(() => db.get(manifestId(blobId)));
    await withRetry(() => db.destroy(manifest._id, manifest._rev));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  return deleted;
}
