import { z } from 'zod';
import { idRange } from '../store/index.js';
import { COMPRESSED_CONTENT_TYPE } from './compression.js';

/**
 * A raw file kept in the `blobs` database: a manifest plus numbered parts of at most PART_BYTES each. A part is a
 * document (id partId) holding only its bytes, as the attachment BLOB_PART_ATTACHMENT (parts written before
 * 2026-11 also carry fields; they read the same).
 */
export const PART_BYTES = 2 * 1024 * 1024;

export const BlobManifest = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('blob'),
  blobId: z.string(),
  /** Number of parts written; final once `complete`. */
  parts: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  sha256: z.string().optional(),
  contentType: z.string().optional(),
  complete: z.boolean(),
  /**
   * How the parts are stored: compressed (Brotli, `br`; `gzip` on blobs stored before 2026-12-07) when the first part
   * shrinks by a fifth or more, else as they came; absent on older blobs.
   */
  encoding: z.enum(['identity', 'gzip', 'br']).optional(),
  createdAt: z.string(),
});
export type BlobManifest = z.infer<typeof BlobManifest>;

export type BlobEncoding = NonNullable<BlobManifest['encoding']>;

export const BLOB_PART_ATTACHMENT = 'data';

/** What a part's bytes are (a compressed part says so, and no server tries to compress it again). */
export const partContentType = (encoding: BlobEncoding | undefined): string => (encoding === 'br' ? COMPRESSED_CONTENT_TYPE : 'application/octet-stream');

export const manifestId = (blobId: string): string => `${blobId}:manifest`;
export const partId = (blobId: string, part: number): string => `${blobId}:part:${String(part).padStart(6, '0')}`;
/** Every part id of a blob (the manifest's id is outside it). */
export const partIds = (blobId: string) => idRange(`${blobId}:part:`);
