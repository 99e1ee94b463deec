export { BlobWriter, type BlobSummary } from './blob-writer.js';
export { openBlob, followBlob, deleteBlob, readManifest, type FollowOptions } from './blob-store.js';
export { docWithAttachment, bulkBody } from './json-body.js';
export { BlobManifest, PART_BYTES } from './model.js';
