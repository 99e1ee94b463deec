import { parsePipeline } from '../frame/index.js';
import type { Services } from '../services.js';
import type { FlatRecord } from '../salesforce/index.js';
import type { BatchDoc } from './model.js';
import type { RowOutcome } from './outcomes.js';
import { uploadLine, type PreparedBatch } from './prepare.js';
import { attachToBatch, readAttachment } from './store.js';
import { packJson, unpackJson } from '../blobs/index.js';

/**
 * A batch's prepared rows (pipeline, mapping and validation done), kept on the batch document the first time they are
 * made when preparing them again could give other records: a batch resumed after its worker died reads them back
 * instead of reading its chunks and running the pipeline and validation again.
 */
const PREPARED_ATTACHMENT = 'prepared.json.gz';
/** Well under Cloudant's 10 MB attachment (and, when a save re-sent it as base64, its 10 MB request); larger batches prepare again. */
const MAX_PREPARED_BYTES = 6_000_000;

/**
 * Steps whose answers live outside the dataset: the run's seen keys (dedupe) and its parents (lookup) are kept in
 * Redis, which a restart may have lost, and the org's records change. Every other step, the mapping and the check
 * give the same records from the same chunks (`now` is fixed per run), so a plain run prepares again on resume
 * instead of storing ~1 MB a batch (measured: a tenth of the worker's CPU in bench/e2e).
 */
const STATEFUL_STEPS: ReadonlySet<string> = new Set(['dedupe', 'lookup']);

export const checkpointsPrepared = (pipeline: unknown): boolean => parsePipeline(pipeline).some((step) => STATEFUL_STEPS.has(step.op));

/** As stored: records (sObject Collections, and Bulk batches of older code) or upload lines with their gaps. */
interface Stored { rows?: [number, FlatRecord][]; lines?: [number, string, number][]; decided: [number, RowOutcome][] }

/**
 * The batch's stored prepared rows in the form its writer sends (`targets`: the mapping's, for upload lines): a Bulk
 * batch stored as records by older code gets its lines made from them.
 */
export async function readPrepared(services: Services, batch: BatchDoc, targets: readonly string[]): Promise<PreparedBatch | undefined> {
  if (!batch._attachments?.[PREPARED_ATTACHMENT]) return undefined;
  const data = await readAttachment(services, batch._id, PREPARED_ATTACHMENT);
  if (!data) return undefined;
  const stored = unpackJson<Stored>(data);
  const decided = new Map(stored.decided);
  if (stored.lines) return { form: 'lines', rows: stored.lines.map(([row, line, gaps]) => ({ row, line, gaps })), decided };
  const records = stored.rows ?? [];
  if (batch.apiMode === 'collections') return { form: 'records', rows: records.map(([row, record]) => ({ row, record })), decided };
  return { form: 'lines', rows: records.map(([row, record]) => uploadLine(row, targets.map((t) => record[t] ?? undefined))), decided };
}

/**
 * Stores the prepared rows with the batch (unless too large for one request) as a raw attachment body, not base64 in
 * a saved document (a 25,000-row batch is ~0.7 MB compressed); answers the saved document.
 */
export async function keepPrepared(services: Services, batch: BatchDoc, prepared: PreparedBatch): Promise<BatchDoc> {
  const stored: Stored = prepared.form === 'records'
    ? { rows: prepared.rows.map((r) => [r.row, r.record]), decided: [...prepared.decided] }
    : { lines: prepared.rows.map((r) => [r.row, r.line, r.gaps]), decided: [...prepared.decided] };
  const data = packJson(stored);
  if (data.length > MAX_PREPARED_BYTES) return batch;
  return attachToBatch(services, batch, PREPARED_ATTACHMENT, data);
}
