import { join } from 'node:path';
import { z } from 'zod';
import { formatDateTime } from '../data/coerce.js';
import type { Table } from '../data/table.js';

export const CreateIngestJob = z.object({
  object: z.string().min(1),
  operation: z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']),
  externalIdFieldName: z.string().optional(),
  contentType: z.literal('CSV').default('CSV'),
  columnDelimiter: z.enum(['BACKQUOTE', 'CARET', 'COMMA', 'PIPE', 'SEMICOLON', 'TAB']).default('COMMA'),
  lineEnding: z.enum(['LF', 'CRLF']).default('LF'),
  assignmentRuleId: z.string().optional(),
});
export type CreateIngestJob = z.infer<typeof CreateIngestJob>;

const IngestState = z.enum(['Open', 'UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']);
export type IngestState = z.infer<typeof IngestState>;

export const RESULT_KINDS = ['successfulResults', 'failedResults', 'unprocessedrecords'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** What job.json holds: everything about a job but its upload and results, which sit beside it as files. */
export const SavedIngestJob = z.object({
  id: z.string(),
  spec: CreateIngestJob,
  apiVersion: z.number(),
  createdById: z.string(),
  createdAt: z.number(),
  modifiedAt: z.number(),
  state: IngestState,
  uploads: z.number().int(),
  uploadBytes: z.number().int(),
  uploadLines: z.number().int(),
  headerLine: z.string(),
  errorMessage: z.string().optional(),
  rows: z.number().int(),
  processed: z.number().int(),
  failed: z.number().int(),
  processingMs: z.number(),
  lockRatio: z.number(),
  injectFailure: z.boolean(),
});
export type SavedIngestJob = z.infer<typeof SavedIngestJob>;

/**
 * One Bulk API 2.0 ingest job: its info and counters in memory; its upload (`upload.csv`) and its three result
 * files (the result lines without their header) in its own folder, so a job of a million rows costs no memory.
 */
export class IngestJob {
  state: IngestState = 'Open';
  readonly createdAt: number = Date.now();
  /** Epoch ms of the last change of state (a finished job expires a retention period after it). */
  modifiedAt = this.createdAt;
  uploads = 0;
  uploadBytes = 0;
  /** Line feeds in the upload (an injected failure stops the job half way through its rows). */
  uploadLines = 0;
  headerLine = '';
  errorMessage?: string;
  /** Data rows read from the upload so far (processed or not). */
  rows = 0;
  processed = 0;
  failed = 0;
  processingMs = 0;
  /** Faults decided when the job is closed. */
  lockRatio = 0;
  injectFailure = false;
  deleted = false;

  constructor(
    readonly id: string, readonly spec: CreateIngestJob, readonly table: Table, readonly apiVersion: number,
    readonly createdById: string, readonly dir: string,
  ) {}

  static restore(saved: SavedIngestJob, table: Table, dir: string): IngestJob {
    const job = new IngestJob(saved.id, saved.spec, table, saved.apiVersion, saved.createdById, dir);
    const { id: _id, spec: _spec, apiVersion: _v, createdById: _by, ...counters } = saved;
    return Object.assign(job, counters);
  }

  get uploadPath(): string {
    return join(this.dir, 'upload.csv');
  }

  resultPath(kind: ResultKind): string {
    return join(this.dir, `${kind}.csv`);
  }

  touch(state?: IngestState): void {
    if (state) this.state = state;
    this.modifiedAt = Date.now();
  }

  get finished(): boolean {
    return this.state === 'JobComplete' || this.state === 'Failed' || this.state === 'Aborted';
  }

  saved(): SavedIngestJob {
    return {
      id: this.id, spec: this.spec, apiVersion: this.apiVersion, createdById: this.createdById, createdAt: this.createdAt,
      modifiedAt: this.modifiedAt, state: this.state, uploads: this.uploads, uploadBytes: this.uploadBytes,
      uploadLines: this.uploadLines, headerLine: this.headerLine, errorMessage: this.errorMessage, rows: this.rows,
      processed: this.processed, failed: this.failed, processingMs: this.processingMs, lockRatio: this.lockRatio,
      injectFailure: this.injectFailure,
    };
  }

  info(): Record<string, unknown> {
    return {
      id: this.id,
      operation: this.spec.operation,
      object: this.table.schema.name,
      createdById: this.createdById,
      createdDate: formatDateTime(this.createdAt),
      systemModstamp: formatDateTime(this.modifiedAt),
      state: this.state,
      ...(this.spec.externalIdFieldName ? { externalIdFieldName: this.spec.externalIdFieldName } : {}),
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: this.apiVersion,
      jobType: 'V2Ingest',
      contentUrl: `services/data/v${this.apiVersion.toFixed(1)}/jobs/ingest/${this.id}/batches`,
      lineEnding: this.spec.lineEnding,
      columnDelimiter: this.spec.columnDelimiter,
      ...(this.spec.assignmentRuleId ? { assignmentRuleId: this.spec.assignmentRuleId } : {}),
      numberRecordsProcessed: this.processed,
      numberRecordsFailed: this.failed,
      retries: 0,
      totalProcessingTime: Math.round(this.processingMs),
      apiActiveProcessingTime: Math.round(this.processingMs),
      apexProcessingTime: 0,
      ...(this.errorMessage ? { errorMessage: this.errorMessage } : {}),
    };
  }
}
