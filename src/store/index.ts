export { createStore, type Store } from './store.js';
export { withRetry, withRetryWithin, writeOnConflict, isTransient, isConflict, isMissing, couchStatus } from './retry.js';
export { STORE_LIMITS, documentSize, encodedSize, type StoreLimits } from './limits.js';
export { DATABASES, SCHEMA_VERSION, type DatabaseName } from './schema.js';
export { IamTokenSource } from './couch.js';
export { getAttachment, putAttachment } from './attachments.js';
export { deleteIdRange, idRange } from './id-range.js';
export { sortableId } from './sortable-id.js';
