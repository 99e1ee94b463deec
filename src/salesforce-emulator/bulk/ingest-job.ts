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

export type IngestState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** Row outcome codes kept per uploaded row (compact: one small integer each). */
export const ROW = { unprocessed: 0, created: 1, updated: 2, failed: 3 } as const;

/** One Bulk API 2.0 ingest job: its info, its single upload, and the outcome of every row. */
export class IngestJob {
  state: IngestState = 'Open';
  readonly createdDate = formatDateTime(Date.now());
  systemModstamp = this.createdDate;
  /** The upload, decoded as it arrives (a StringDecoder keeps multi-byte characters whole across chunks). */
  parts: string[] = [];
  uploads = 0;
  uploadBytes = 0;
  text = '';
  headerLine = '';
  errorMessage?: string;
  processed = 0;
  failed = 0;
  processingMs = 0;
  /** Per row: where its line sits in `text`, its outcome code, its id and (for failures) the sf__Error text. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly outcomes: number[] = [];
  readonly ids: (string | null)[] = [];
  readonly errors = new Map<number, string>();
  /** Faults decided when the job is closed. */
  lockRatio = 0;
  injectFailure = false;
  failAtRow = -1;
  deleted = false;

  constructor(readonly id: string, readonly spec: CreateIngestJob, readonly table: Table, readonly apiVersion: number, readonly createdById: string) {}

  touch(state?: IngestState): void {
    if (state) this.state = state;
    this.systemModstamp = formatDateTime(Date.now());
  }

  get finished(): boolean {
    return this.state === 'JobComplete' || this.state === 'Failed' || this.state === 'Aborted';
  }

  info(): Record<string, unknown> {
    return {
      id: this.id,
      operation: this.spec.operation,
      object: this.table.schema.name,
      createdById: this.createdById,
      createdDate: this.createdDate,
      systemModstamp: this.systemModstamp,
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

  /** Joins the upload into one string once the job is closed. */
  takeUpload(): void {
    this.text = this.parts.join('');
    this.parts = [];
  }

  lineOf(row: number): string {
    return this.text.slice(this.starts[row], this.ends[row]);
  }

  /** Releases the upload and row data (job deleted). */
  release(): void {
    this.deleted = true;
    this.parts = [];
    this.text = '';
    this.starts.length = 0;
    this.ends.length = 0;
    this.outcomes.length = 0;
    this.ids.length = 0;
    this.errors.clear();
  }
}
