import type { Logger } from 'pino';
import type { Services } from '../services.js';
import type { SalesforceSession, WriteSpec } from '../salesforce/index.js';
import type { DescribeSObjectResult } from '../mapping/index.js';
import type { BatchDoc, MigrationDoc } from './model.js';
import type { TrackedOutcomes } from './outcomes.js';
import type { PreparedBatch } from './prepare.js';
import type { Reason } from './reasons.js';
import type { WaitReason } from './stall.js';

/** The batch job asks to run later (paused, no free slot, budget spent): the job is delayed, not failed. */
export class Deferred extends Error {
  /** `wait`: what a running migration waits for (a paused one waits for nobody but its operator). */
  constructor(readonly delayMs: number, reason: string, readonly wait?: WaitReason) {
    super(reason);
    this.name = 'Deferred';
  }
}

/** Thrown when the run was cancelled: the remaining rows are skipped. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** Everything one batch execution shares between its steps. */
export interface BatchRun {
  services: Services;
  migration: MigrationDoc;
  batch: BatchDoc;
  session: SalesforceSession;
  /** The object's describe: field types for SOQL literals, written fields for before-images. */
  describe: DescribeSObjectResult;
  spec: WriteSpec;
  prepared: PreparedBatch;
  readonly outcomes: TrackedOutcomes;
  /** A field that identifies inserted records (an external id in the mapping), for reconciling lost answers. */
  markerField?: string;
  /** Rows re-sent after an unknown outcome: ENTITY_IS_DELETED on a delete then means "done by us". */
  resent: Set<number>;
  log: Logger;
  /** Persists the batch document with its outcomes attachment and reports progress. */
  save(extra?: { salesforce?: string; jobId?: string }): Promise<void>;
  /** Reports progress only (Redis), for steps nothing would need after a crash (a Bulk job's poll states). */
  report(extra: { salesforce?: string; jobId?: string }): Promise<void>;
  /** Throws Deferred (paused) or Cancelled; returns when the run may go on. */
  checkStop(): Promise<void>;
  /** Pauses the migration when the org's daily budget would not cover `calls` more. */
  ensureBudget(calls: number): Promise<void>;
  /** Pauses the migration for an API budget reason (the reserve reached, or Salesforce's daily limit). */
  pauseFor(why: Reason): Promise<never>;
}

/** The prepared rows (of either form) that have no outcome yet. */
export function pendingRows<R extends { row: number }>(run: BatchRun, rows: readonly R[]): R[] {
  return rows.filter((r) => !run.outcomes.has(r.row));
}

/** Rows that could not be written after every attempt keep the last reason. */
export function failRemaining(run: BatchRun, code: string, message: string): void {
  for (const { row } of pendingRows<{ row: number }>(run, run.prepared.rows)) run.outcomes.set(row, { status: 'fail', code, message });
}
