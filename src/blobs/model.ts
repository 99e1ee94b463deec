import { z } from 'zod';

/** A raw file kept in the `blobs` database: a manifest plus numbered parts of at most PART_BYTES each. */
export const PART_BYTES = 4 * 1024 * 1024;

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
  createdAt: z.string(),
});
export type BlobManifest = z.infer<typeof BlobManifest>;

export const BLOB_PART_ATTACHMENT = 'data';

export const manifestId = (blobId: string): string => `${blobId}:manifest`;
export const partId = (blobId: string, part: number): string => `${blobId}:part:${String(part).padStart(6, '0')}`;
