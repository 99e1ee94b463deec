import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { tryLock } from '../cache/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { workerProcessName } from '../queue/worker-names.js';
import { FINISHED_STATES, type BatchDoc } from './model.js';
import { saidOutcome, totalsOf, type Outcomes } from './outcomes.js';
import { afterBatch } from './run-batch.js';
import { noteWait } from './stall.js';
import { startsOf } from './starts.js';
import { getBatch, getMigration, outcomesAttachment, readOutcomes, saveBatch } from './store.js';

/** The code a batch (and its run) ends with when its job was lost more often than MIGRATION_BATCH_REVIVALS allows. */
export const BATCH_LOST = 'DMS_BATCH_LOST';
/** BullMQ states in which a worker has the job or will take it: nothing to revive. */
const LIVE_JOB_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
/** Two processes noticing the same loss (the failed event and the watchdog) revive it once. */
const REVIVE_LOCK_MS = 10_000;

export type ReviveResult = 'revived' | 'abandoned' | 'finished' | 'alive';

/**
 * Rows of an abandoned batch without an outcome: in doubt when a call or Bulk job that carried them may have been
 * applied, failed otherwise (never sent).
 */
function closeRows(batch: BatchDoc, outcomes: Outcomes, reason: string, times: number): void {
  const lost = { batch: batch.batch, times, reason };
  const maybeSent = (row: number) =>
    batch.pendingCall?.rows.includes(row) || batch.bulkJobs.some((j) => !j.resultsStored && row >= j.fromRow && row <= j.toRow);
  for (let row = batch.fromRow; row <= batch.toRow; row++) {
    if (outcomes.has(row)) continue;
    outcomes.set(row, maybeSent(row)
      ? saidOutcome('doubt', BATCH_LOST, 'row.run.batchLostSent', lost)
      : saidOutcome('fail', BATCH_LOST, 'row.run.batchLostUnsent', lost));
  }
}

/**
 * What the batch document shows of its progress: slices of before-images, rows with an outcome, Bulk jobs and how far
 * each got, a Collections call in flight. Two revivals with the same mark had no progress in between.
 */
export function progressMark(batch: BatchDoc): string {
  const { succeeded, failed, skipped } = batch.totals;
  const jobs = batch.bulkJobs.map((j) => `${j.id}:${j.state}:${j.uploaded ? 'u' : ''}${j.resultsStored ? 'r' : ''}`);
  return [batch.beforeSlices, batch.beforeImages, succeeded + failed + skipped, batch.pendingCall?.startedAt ?? '', ...jobs].join('|');
}

/**
 * A batch whose BullMQ job is gone for good (failed after its attempts, stalled too often, removed) gets a new job
 * with the same id, counted on the batch document; past MIGRATION_BATCH_REVIVALS revivals in a row without progress
 * (workers that keep dying while the batch moves on do not count) its open rows are failed (or put in doubt) and the
 * batch ends, so the run finalizes with the reason instead of waiting forever.
 */
export async function reviveBatch(services: Services, migrationId: string, n: number, reason: string): Promise<ReviveResult> {
  const lockKey = `${services.config.queue.prefix}:dms-revive:${migrationJobId.batch(migrationId, n)}`;
  if (!(await tryLock(services.redis, lockKey, REVIVE_LOCK_MS, workerProcessName()))) return 'alive';
  try {
    return await reviveUnlocked(services, migrationId, n, reason);
  } finally {
    await services.redis.del(lockKey);
  }
}

async function reviveUnlocked(services: Services, migrationId: string, n: number, reason: string): Promise<ReviveResult> {
  const jobId = migrationJobId.batch(migrationId, n);
  const migration = await getMigration(services, migrationId);
  let batch = await getBatch(services, migrationId, n);
  if (FINISHED_STATES.has(migration.state)) return 'finished';
  if (batch.state === 'done' || batch.state === 'cancelled') {
    // The batch ended but its end may not have been counted (Redis lost it): count it again, finalize if it was last.
    await afterBatch(services, migration, batch);
    return 'finished';
  }
  const queue = services.producer.queue('migration-batches');
  if (LIVE_JOB_STATES.has(await queue.getJobState(jobId))) return 'alive';
  const log = logger('migrations', { migrationId, batch: n });
  const at = new Date().toISOString();
  const mark = progressMark(batch);
  const starts = await startsOf(services, migrationId, n);
  // Lost again without progress: counted when it began work since the last revival, not when it only waited.
  const stuck = batch.revivedAt === mark;
  const idle = stuck ? batch.idleRevivals + (starts !== batch.revivedStarts ? 1 : 0) : 1;
  if (idle > services.config.migrations.batchRevivals) {
    const outcomes = await readOutcomes(services, batch);
    const why = `The job of batch ${n} was lost ${idle} times in a row without progress (last: ${reason})`;
    closeRows(batch, outcomes, reason, idle);
    const rows = batch.toRow - batch.fromRow + 1;
    batch = await saveBatch(services, {
      ...batch, state: 'done', lost: { reason, at }, pendingCall: undefined, totals: totalsOf(outcomes, rows), finishedAt: at,
      error: { code: BATCH_LOST, message: why },
    }, outcomesAttachment(outcomes));
    log.error({ revivals: batch.revivals, idle, reason }, 'batch job lost too often: its open rows are failed');
    await afterBatch(services, migration, batch);
    return 'abandoned';
  }
  await saveBatch(services, { ...batch, revivals: batch.revivals + 1, idleRevivals: idle, revivedAt: mark, revivedStarts: starts, lost: { reason, at } });
  await queue.remove(jobId);
  await services.producer.enqueue('migration.batch', { migrationId, batch: n }, { jobId });
  await noteWait(services, migrationId, 'revival');
  log.warn({ revivals: batch.revivals + 1, idle, reason }, 'batch job lost: enqueued again');
  return 'revived';
}
