export { createStore, type Store } from './store.js';
export { withRetry, isConflict, isMissing, couchStatus } from './retry.js';
export { DATABASES, SCHEMA_VERSION, type DatabaseName } from './schema.js';
export { IamTokenSource } from './couch.js';
export { getAttachment, putAttachment } from './attachments.js';
export { deleteIdRange, idRange } from './id-range.js';
