import type { Store } from '../store/index.js';
import { STORE_LIMITS, getAttachment, isConflict, putAttachment, withRetry } from '../store/index.js';
import { COMPRESSED_CONTENT_TYPE } from '../blobs/index.js';
import type { ChunkDoc } from './model.js';

/** The name chunks always had: its bytes are gzip (chunks stored before 2026-12-07) or Brotli, as their first bytes say. */
export const CHUNK_ATTACHMENT = 'rows.json.gz';
/**
 * The largest compressed chunk sent inline (base64, 4/3 larger) in a `_bulk_docs` body: with its fields it stays under
 * Cloudant's 10 MB request limit. A chunk of long rows compresses to more (5,000 rows of ~3 KB of varied text);
 * its rows then go in raw attachments of PIECE_BYTES each, under Cloudant's 10 MB attachment limit.
 */
export const INLINE_CHUNK_BYTES = 6_000_000;
const PIECE_BYTES = 8_000_000;
if (PIECE_BYTES >= STORE_LIMITS.attachmentBytes) throw new Error('a chunk piece must fit one attachment');

/** Piece 0 keeps the name chunks always had, so chunks stored before pieces read the same. */
const pieceName = (piece: number): string => (piece === 0 ? CHUNK_ATTACHMENT : `${CHUNK_ATTACHMENT}.${piece}`);

type StoredChunk = { _rev: string; _attachments?: Record<string, { length?: number }> };

/** Stores one piece; a retried PUT that meets its own stored first attempt (409) counts as stored. */
async function putPiece(store: Store, id: string, piece: number, data: Buffer, rev: string): Promise<string> {
  try {
    return await withRetry(() => putAttachment(store, 'datasets', id, pieceName(piece), data, COMPRESSED_CONTENT_TYPE, rev));
  } catch (error) {
    if (!isConflict(error)) throw error;
    const doc = (await withRetry(() => store.db('datasets').get(id))) as StoredChunk;
    if (doc._attachments?.[pieceName(piece)]?.length !== data.length) throw error;
    return doc._rev;
  }
}

/**
 * Writes a chunk whose compressed rows are over INLINE_CHUNK_BYTES: the document first (replacing a stored one drops its old
 * attachments), then each piece as a raw attachment, in order. Idempotent like the inline writes.
 */
export async function writeChunkInPieces(store: Store, fields: Omit<ChunkDoc, '_rev'>, data: Buffer): Promise<void> {
  const db = store.db<ChunkDoc>('datasets');
  const doc = { ...fields, pieces: Math.ceil(data.length / PIECE_BYTES) };
  await store.client.authorize();
  let rev: string;
  try {
    rev = (await withRetry(() => db.insert(doc))).rev;
  } catch (error) {
    if (!isConflict(error)) throw error;
    const stored = await withRetry(() => db.get(doc._id));
    rev = (await withRetry(() => db.insert({ ...doc, _rev: stored._rev }))).rev;
  }
  for (let piece = 0; piece < doc.pieces; piece++) {
    rev = await putPiece(store, doc._id, piece, data.subarray(piece * PIECE_BYTES, (piece + 1) * PIECE_BYTES), rev);
  }
}

/** A chunk's compressed bytes, from its one attachment or its pieces in order. */
export async function readChunkBytes(store: Store, doc: ChunkDoc): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let piece = 0; piece < doc.pieces; piece++) {
    pieces.push(await withRetry(() => getAttachment(store, 'datasets', doc._id, pieceName(piece))));
  }
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}
