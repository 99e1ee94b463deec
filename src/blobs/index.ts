export { BlobWriter, type BlobSummary } from './blob-writer.js';
export { openBlob, deleteBlob, readManifest } from './blob-store.js';
export { BlobManifest, PART_BYTES } from './model.js';
