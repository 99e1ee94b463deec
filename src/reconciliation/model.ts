import { z } from 'zod';

/** A written record ends in one of these; `changedSince` (someone else wrote it after DMS) is not a DMS error. */
export const RecordOutcome = z.enum(['matched', 'differing', 'missing', 'changedSince']);
export type RecordOutcome = z.infer<typeof RecordOutcome>;

export const ReconciliationCounts = z.object({
  written: z.number().int().default(0),
  matched: z.number().int().default(0),
  differing: z.number().int().default(0),
  missing: z.number().int().default(0),
  changedSince: z.number().int().default(0),
});
export type ReconciliationCounts = z.infer<typeof ReconciliationCounts>;

export const DifferenceExample = z.object({ row: z.number().int(), id: z.string(), sent: z.string(), stored: z.string() });
export type DifferenceExample = z.infer<typeof DifferenceExample>;

/** Fields that differ (`differs`, `emptied`) or match only after a normalisation (its kind), with a few examples. */
export const FieldTally = z.object({
  field: z.string(),
  kind: z.string(),
  count: z.number().int(),
  examples: z.array(DifferenceExample).default([]),
});
export type FieldTally = z.infer<typeof FieldTally>;

export const ReconciliationState = z.enum(['queued', 'running', 'done', 'failed']);

/** One compressed attachment of difference lines (CSV without header), in order (gzip before 2026-12-07). */
export const DifferencePiece = z.object({ name: z.string(), lines: z.number().int() });

/** The summary (bounded: one entry per field and kind); the list of differences lives in the attachments. */
export const ReconciliationDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('reconciliation'),
  migrationId: z.string(),
  state: ReconciliationState,
  requestedBy: z.string(),
  requestedAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** The user DMS wrote as: a record last modified by anyone else was changed since. */
  writerId: z.string().optional(),
  counts: ReconciliationCounts,
  differences: z.array(FieldTally).default([]),
  normalisations: z.array(FieldTally).default([]),
  pieces: z.array(DifferencePiece).default([]),
  /** Batches compared so far (a restarted job starts again from the first). */
  batchesDone: z.number().int().default(0),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  _attachments: z.record(z.string(), z.unknown()).optional(),
});
export type ReconciliationDoc = z.infer<typeof ReconciliationDoc>;

export const reconciliationId = (migrationId: string): string => `${migrationId}:reconciliation`;

/** Columns of the differences file, one line per differing field (or per missing record). */
export const DIFFERENCE_COLUMNS = ['Row', 'Id', 'Outcome', 'Field', 'Kind', 'Sent', 'Stored', 'LastModifiedDate', 'LastModifiedById'];
export const emptyCounts = (): ReconciliationCounts => ReconciliationCounts.parse({});
