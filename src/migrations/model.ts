import { z } from 'zod';
import { Operation } from '../salesforce/index.js';
import { Mapping } from '../mapping/index.js';
import { RunMessage } from './reasons.js';

export const MIGRATION_STATES = [
  'created', 'awaiting_approval', 'queued', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed', 'rejected', 'rolling_back',
  'rolled_back',
] as const;
export const MigrationState = z.enum(MIGRATION_STATES);
export type MigrationState = z.infer<typeof MigrationState>;
/** States in which no batch will write again. */
export const FINISHED_STATES: ReadonlySet<MigrationState> = new Set(['cancelled', 'completed', 'failed', 'rejected', 'rolled_back']);

/** The states a finished run can be rolled back from (and returns to when a production roll back is rejected). */
export const ROLLBACK_FROM = ['completed', 'cancelled', 'failed'] as const;

/**
 * A second person's decision on a run against a production org (or on its roll back). `datasetRevision` and
 * `templateRevision` are what the approver saw: a change to either before the run starts voids the approval.
 */
export const Approval = z.object({
  action: z.enum(['start', 'rollback']),
  decision: z.enum(['pending', 'approved', 'rejected', 'void']),
  requestedBy: z.string(),
  requestedAt: z.string(),
  /** Where a rejected roll back leaves the run. */
  returnTo: z.enum(ROLLBACK_FROM).optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  reason: z.string().optional(),
  datasetRevision: z.string().optional(),
  templateRevision: z.string().optional(),
});
export type Approval = z.infer<typeof Approval>;

export const MigrationOptions = z.object({
  /** Rows per batch job; default 2,000 through Collections and 25,000 through Bulk. */
  batchSize: z.number().int().min(1).max(150_000).optional(),
  apiMode: z.enum(['auto', 'collections', 'bulk']).default('auto'),
  /** In auto mode, runs up to this many rows go through Collections, larger ones through Bulk API 2.0. */
  collectionsThreshold: z.number().int().min(0).default(2000),
  /**
   * Batches of this migration in flight at once (across all workers). 8: a batch mostly waits for Salesforce (its job
   * to run, results to fetch), and 8 kept a 1M-row Bulk run's worker and org busier than 4 (docs/scaling.md).
   */
  concurrency: z.number().int().min(1).max(25).default(8),
  allOrNone: z.boolean().default(false),
  assignmentRuleId: z.string().regex(/^[0-9A-Za-z]{15,18}$/).optional(),
  /** One batch at a time, in order. */
  serial: z.boolean().default(false),
  /** Rounds for rows that fail transiently (UNABLE_TO_LOCK_ROW, unprocessed Bulk rows) and for calls that fail transiently. */
  maxAttempts: z.number().int().min(1).max(10).default(5),
  /** Query the org back after the run completes and compare what it holds with what was sent (docs/reconciliation.md). */
  reconcile: z.boolean().default(true),
  /**
   * On a dataset still being parsed (a new upload), start at once and plan batches as its chunks are stored
   * (pipelining, docs/migrations.md); off: the dataset must be ready.
   */
  followParse: z.boolean().default(true),
});
export type MigrationOptions = z.infer<typeof MigrationOptions>;

export const MigrationTemplate = z.object({ mapping: Mapping, pipeline: z.array(z.unknown()).default([]) });
export type MigrationTemplate = z.infer<typeof MigrationTemplate>;

export const MigrationRequest = z.object({
  name: z.string().min(1).max(200).optional(),
  datasetId: z.string().min(1),
  template: MigrationTemplate.optional(),
  templateId: z.string().min(1).optional(),
  connectionId: z.string().min(1),
  object: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'object must be an sObject API name'),
  operation: Operation,
  externalIdField: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional(),
  options: MigrationOptions.default(MigrationOptions.parse({})),
}).refine((r) => (r.template === undefined) !== (r.templateId === undefined), { message: 'give exactly one of template or templateId', path: ['template'] })
  .refine((r) => r.operation !== 'upsert' || r.externalIdField !== undefined, { message: 'upsert needs externalIdField', path: ['externalIdField'] });
export type MigrationRequest = z.infer<typeof MigrationRequest>;

export const Totals = z.object({
  rows: z.number().int().default(0),
  succeeded: z.number().int().default(0),
  /** Includes the rows in doubt. */
  failed: z.number().int().default(0),
  skipped: z.number().int().default(0),
  inDoubt: z.number().int().default(0),
  created: z.number().int().default(0),
});
export type Totals = z.infer<typeof Totals>;
export const emptyTotals = (): Totals => Totals.parse({});

const HistoryEntry = z.object({
  state: MigrationState, at: z.string(), by: z.string(), reason: z.string().optional(), message: RunMessage.optional(),
});

export const MigrationDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('migration'),
  name: z.string(),
  datasetId: z.string(),
  datasetName: z.string(),
  columns: z.array(z.string()),
  rowCount: z.number().int(),
  chunkCount: z.number().int(),
  template: MigrationTemplate,
  templateId: z.string().optional(),
  connectionId: z.string(),
  object: z.string(),
  operation: Operation,
  externalIdField: z.string().optional(),
  options: MigrationOptions,
  apiMode: z.enum(['collections', 'bulk']).optional(),
  state: MigrationState,
  history: z.array(HistoryEntry),
  pauseReason: z.string().optional(),
  /** The pause reason by its catalogue key, for pages in the reader's language. */
  pauseMessage: RunMessage.optional(),
  batchCount: z.number().int().default(0),
  /** Planning follows the dataset's parse: batches are added as chunks are stored, until the parse ends. */
  following: z.boolean().optional(),
  /** The followed parse failed: the run takes the rows stored before it and ends failed (DATASET_PARSE_FAILED). */
  parseError: z.object({ code: z.string(), message: z.string() }).optional(),
  totals: Totals,
  apiBudget: z.object({ max: z.number(), remaining: z.number(), at: z.string(), source: z.string() }).optional(),
  parentId: z.string().optional(),
  childIds: z.array(z.string()).default([]),
  rollback: z.object({ deleted: z.number(), restored: z.number(), failed: z.number() }).optional(),
  error: z.object({ code: z.string(), message: z.string(), i18n: RunMessage.optional() }).optional(),
  approval: Approval.optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type MigrationDoc = z.infer<typeof MigrationDoc>;

export const BatchState = z.enum(['pending', 'running', 'done', 'cancelled']);

/** A Bulk job as the batch knows it; recorded BEFORE its upload so a restarted batch can re-attach. */
export const BulkJobRecord = z.object({
  id: z.string(),
  /** The rows it carries: every row of the batch in [fromRow, toRow] without an outcome when it was created. */
  fromRow: z.number().int(),
  toRow: z.number().int(),
  rows: z.number().int(),
  state: z.string(),
  uploaded: z.boolean().default(false),
  resultsStored: z.boolean().default(false),
  createdAt: z.string(),
  errorMessage: z.string().optional(),
});
export type BulkJobRecord = z.infer<typeof BulkJobRecord>;

export const BatchDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('batch'),
  migrationId: z.string(),
  batch: z.number().int(),
  fromRow: z.number().int(),
  toRow: z.number().int(),
  chunks: z.array(z.number().int()),
  /** Row text of its rows as planned (absent: planned before it was recorded, or from chunks of unknown size). */
  bytes: z.number().int().nonnegative().optional(),
  state: BatchState,
  apiMode: z.enum(['collections', 'bulk']),
  /** Rows of a Collections call sent but not yet answered: resolved on restart, never blindly re-sent for insert. */
  pendingCall: z.object({ rows: z.array(z.number().int()), startedAt: z.string() }).optional(),
  bulkJobs: z.array(BulkJobRecord).default([]),
  totals: Totals,
  calls: z.number().int().default(0),
  beforeImages: z.boolean().default(false),
  /** Slices of before-images captured and stored so far (before-images.ts): a retry resumes after them. */
  beforeSlices: z.number().int().default(0),
  /** Rows per stored before-image slice (absent: 2,000, the size before it was recorded). */
  beforeSliceRows: z.number().int().positive().optional(),
  /** Times DMS gave this batch a new job after BullMQ lost or gave up on its job (revive.ts). */
  revivals: z.number().int().default(0),
  /**
   * Revivals in a row without progress in between (revive.ts): the cap MIGRATION_BATCH_REVIVALS applies to these, so
   * workers that keep dying while the batch moves on never fail it, nor does waiting for a slot; `revivedAt` is the
   * progress seen at the last one, `revivedStarts` how often the batch had begun its work by then (starts.ts).
   */
  idleRevivals: z.number().int().default(0),
  revivedAt: z.string().optional(),
  revivedStarts: z.number().int().optional(),
  /** Why the batch's job was last lost, for the run page. */
  lost: z.object({ reason: z.string(), at: z.string() }).optional(),
  rolledBack: z.object({ deleted: z.number(), restored: z.number(), failed: z.number() }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  updatedAt: z.string(),
  _attachments: z.record(z.string(), z.unknown()).optional(),
});
export type BatchDoc = z.infer<typeof BatchDoc>;

export const batchId = (migrationId: string, n: number): string => `${migrationId}:batch:${n}`;
