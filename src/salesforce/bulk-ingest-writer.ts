import { setTimeout as sleep } from 'node:timers/promises';
import type { SalesforceSession } from './connection-factory.js';
import { sfFetch, sfJson } from './http.js';
import { csvRecordLines, csvRows } from './csv.js';
import type { WriteSpec } from './write-spec.js';

/** Salesforce takes 150 MB of base64 per upload: about 100 MB of raw CSV. */
export const BULK_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export type BulkJobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
export const TERMINAL_STATES: ReadonlySet<BulkJobState> = new Set(['JobComplete', 'Failed', 'Aborted']);

export interface JobInfo {
  id: string;
  state: BulkJobState;
  object: string;
  operation: string;
  createdDate?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}

/** Ingest jobs write, query jobs read; both have the same job resource shape and states. */
export type BulkJobKind = 'ingest' | 'query';
export const jobPath = (id: string, kind: BulkJobKind = 'ingest') => `/jobs/${kind}/${encodeURIComponent(id)}`;

export function createIngestJob(session: SalesforceSession, spec: WriteSpec): Promise<JobInfo> {
  return sfJson<JobInfo>(session, {
    method: 'POST',
    path: '/jobs/ingest',
    json: {
      object: spec.object,
      operation: spec.operation,
      contentType: 'CSV',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      ...(spec.externalIdField && spec.operation === 'upsert' ? { externalIdFieldName: spec.externalIdField } : {}),
      ...(spec.assignmentRuleId ? { assignmentRuleId: spec.assignmentRuleId } : {}),
    },
  });
}

/** The one PUT a job accepts, streamed (no Content-Length). */
export async function uploadJobData(session: SalesforceSession, jobId: string, body: () => AsyncIterable<Uint8Array>): Promise<void> {
  const response = await sfFetch(session, { method: 'PUT', path: `${jobPath(jobId)}/batches`, body, contentType: 'text/csv' });
  await response.bytes();
}

export const setJobState = (session: SalesforceSession, jobId: string, state: 'UploadComplete' | 'Aborted'): Promise<JobInfo> =>
  sfJson<JobInfo>(session, { method: 'PATCH', path: jobPath(jobId), json: { state }, idempotent: true });

export const getJob = (session: SalesforceSession, jobId: string, kind: BulkJobKind = 'ingest'): Promise<JobInfo> =>
  sfJson<JobInfo>(session, { method: 'GET', path: jobPath(jobId, kind) });

export interface PollOptions {
  /** Give up (throw JOB_DEADLINE) after this instant; the job itself is left alone. */
  deadline: number;
  initialMs?: number;
  maxMs?: number;
  /** Each wait is the last one times this (default 2): a small factor notices a finished job sooner. */
  factor?: number;
  /** Called with every state seen, e.g. to persist it or to notice a cancel. */
  onState?: (info: JobInfo) => Promise<void> | void;
  /** An ingest job (the default) or a query job. */
  kind?: BulkJobKind;
}

/** Polls with exponential backoff until the job is terminal. Never deletes or aborts on timeout (unlike jsforce). */
export async function waitForJob(session: SalesforceSession, jobId: string, options: PollOptions): Promise<JobInfo> {
  let delay = options.initialMs ?? 200;
  for (;;) {
    const info = await getJob(session, jobId, options.kind);
    await options.onState?.(info);
    if (TERMINAL_STATES.has(info.state)) return info;
    if (Date.now() + delay > options.deadline) {
      throw Object.assign(new Error(`Bulk job ${jobId} is still ${info.state} at its deadline; it is left running and will be re-attached`), { code: 'JOB_DEADLINE' });
    }
    await sleep(delay);
    delay = Math.min(delay * (options.factor ?? 2), options.maxMs ?? 10_000);
  }
}

export type ResultKind = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

const resultsBody = async (session: SalesforceSession, jobId: string, kind: ResultKind) =>
  (await sfFetch(session, { method: 'GET', path: `${jobPath(jobId)}/${kind}/`, accept: 'text/csv' })).body;

/** One result CSV as batches of rows (the header first), streamed: a million-row result never sits in memory. */
export async function* jobResults(session: SalesforceSession, jobId: string, kind: ResultKind): AsyncGenerator<string[][]> {
  yield* csvRows(await resultsBody(session, jobId, kind));
}

/** One result CSV as batches of records' text (the header first), streamed, for a caller that matches records as text. */
export async function* jobResultLines(session: SalesforceSession, jobId: string, kind: ResultKind): AsyncGenerator<string[]> {
  yield* csvRecordLines(await resultsBody(session, jobId, kind));
}
