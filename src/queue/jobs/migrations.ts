import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

/**
 * Migration jobs. Ids are deterministic (`<migrationId>:batch:<n>`, `<migrationId>:plan:0`, ...): enqueueing
 * twice is harmless. BullMQ accepts a `:` in a custom id only with exactly three parts.
 */
export const MigrationPayload = z.object({ migrationId: z.string().min(1) });
/** The watchdog carries nothing: it looks at every active migration. */
export const WatchdogPayload = z.object({}).strict();
export const BatchPayload = z.object({ migrationId: z.string().min(1), batch: z.number().int().min(0) });

const bounded: JobsOptions = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 20_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 20_000 },
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
};

export const MIGRATION_JOBS = {
  'migration.plan': { queue: 'migrations', payload: MigrationPayload, options: bounded },
  /** Batches have their own queue so a long run never starves planning and finalizing. */
  'migration.batch': { queue: 'migration-batches', payload: BatchPayload, options: bounded },
  'migration.finalize': { queue: 'migrations', payload: MigrationPayload, options: bounded },
  'migration.rollback': { queue: 'migrations', payload: MigrationPayload, options: bounded },
  /** Reads the org back after a run; a failed one is asked for again from the run's page. */
  'migration.reconcile': { queue: 'migrations', payload: MigrationPayload, options: { ...bounded, attempts: 3 } },
  /** Repeated by a job scheduler (workers/runtime.ts); one run lost or failed is replaced by the next. */
  'migration.watchdog': {
    queue: 'migrations', payload: WatchdogPayload, options: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } },
  },
} as const;

export const migrationJobId = {
  /** `attempt`: how many times the run was queued before (a voided approval queues it again after a new one). */
  plan: (id: string, attempt = 0) => `${id}:plan:${attempt}`,
  batch: (id: string, n: number) => `${id}:batch:${n}`,
  finalize: (id: string) => `${id}:finalize:0`,
  rollback: (id: string, attempt: number) => `${id}:rollback:${attempt}`,
  reconcile: (id: string, requestedAt: number) => `${id}:reconcile:${requestedAt}`,
};

/** The one job scheduler of the watchdog. */
export const WATCHDOG_SCHEDULER = 'migration-watchdog';
