export { SalesforceCredentials, LOCAL_ORG_LOGIN } from './credentials.js';
export { API_VERSION, SessionPool, openSession, loadJsforce, type SalesforceSession, type CredentialsLoader } from './connection-factory.js';
export { sfFetch, sfJson, type SfRequest } from './http.js';
export { backoffMs, withRetries, readWithRetries, CALL_TRIES, type RetryPolicy } from './retry.js';
export { SalesforceError, isTransientRowError, toSalesforceError, errorFromResponse, errorFromNetwork, type CallOutcome } from './errors.js';
export { describeObject } from './describe-cache.js';
export { writeCollection, toJsonRecord, COLLECTIONS_MAX } from './collections-writer.js';
export {
  createIngestJob, uploadJobData, setJobState, getJob, waitForJob, jobResults, jobResultLines,
  BULK_MAX_UPLOAD_BYTES, TERMINAL_STATES, type JobInfo, type BulkJobState, type ResultKind,
} from './bulk-ingest-writer.js';
export {
  restQueryPages, createQueryJob, waitForQueryJob, queryResultsPage, deleteQueryJob, type RestQueryPage, type QueryResultsPage,
} from './query.js';
export { csvCell, csvFields, csvLine, CsvLineReader, csvRecordCells, csvRows, CsvRowReader, leadingCells } from './csv.js';
export { readApiBudget, recordUsage, lastApiBudget, reserveOf, type ApiBudget } from './limits.js';
export { SlotLimiter, ORG_SLOTS, orgSlotsKey, type Slot } from './concurrency.js';
export { Operation, type WriteSpec, type FlatRecord, type WriteResult, type RecordError } from './write-spec.js';
export { toId18, isValidId } from './record-id.js';
export { instantOf } from './datetime.js';
export { sessionFor } from './sessions.js';
