export { BlobWriter, type BlobSummary } from './blob-writer.js';
export { COMPRESSED_CONTENT_TYPE, compressStored, compressStoredSync, inflateStoredSync, packJson, storedEncoding, unpackJson } from './compression.js';
export { openBlob, followBlob, deleteBlob, readManifest, type FollowOptions } from './blob-store.js';
export { docWithAttachment, bulkBodies, BULK_BODY_BYTES } from './json-body.js';
export { BlobManifest, PART_BYTES } from './model.js';
