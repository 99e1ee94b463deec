import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { readApiBudget, sessionFor, setJobState, TERMINAL_STATES, type BulkJobState } from '../salesforce/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { isProductionConnection } from '../connections/index.js';
import { ROLLBACK_FROM, type MigrationDoc, type MigrationState } from './model.js';
import { requestApproval } from './approval.js';
import { reportState } from './progress.js';
import { pausedBy } from './reasons.js';
import { getMigration, listBatches, updateMigration, withPause, withState } from './store.js';

function transition(
  services: Services, id: string, from: MigrationState[], to: MigrationState, actor: string,
  change: (m: MigrationDoc) => MigrationDoc = (m) => withState(m, to, actor),
) {
  return updateMigration(services, id, (m) => {
    if (!from.includes(m.state)) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; this needs it to be ${from.join(' or ')}.`);
    return change(m);
  });
}

/** Delayed batch jobs (paused, waiting for a slot) run now instead of at their next check. */
async function wakeBatches(services: Services, doc: MigrationDoc): Promise<void> {
  const queue = services.producer.queue('migration-batches');
  for (let n = 0; n < doc.batchCount; n++) {
    const job = await queue.getJob(migrationJobId.batch(doc._id, n));
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
}

export async function pauseMigration(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const doc = await transition(services, id, ['queued', 'running'], 'paused', actor, (m) => withPause(m, actor, pausedBy(actor)));
  await reportState(services, doc);
  return doc;
}

/** Resumes, reading /limits again first (a budget pause resumes on a fresh figure). */
export async function resumeMigration(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const resumed = (m: MigrationDoc): MigrationDoc => ({ ...withState(m, 'running', actor), pauseReason: undefined, pauseMessage: undefined });
  const doc = await transition(services, id, ['paused'], 'running', actor, resumed);
  try {
    const budget = await readApiBudget(services.redis, await sessionFor(services, doc.connectionId));
    await updateMigration(services, id, (m) => ({ ...m, apiBudget: budget }));
  } catch (err) {
    logger('migrations', { migrationId: id }).warn({ err }, 'could not read /limits on resume');
  }
  await reportState(services, doc);
  await wakeBatches(services, doc);
  return doc;
}

/** Remaining batches are dropped (their rows skipped); Bulk jobs in flight are aborted at Salesforce. */
export async function cancelMigration(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const doc = await updateMigration(services, id, (m) => {
    // A run waiting for approval to start has written nothing: its creator (or anyone) may withdraw it.
    if (m.state === 'created' || (m.state === 'awaiting_approval' && m.approval?.action === 'start')) return withState(m, 'cancelled', actor);
    if (!['queued', 'running', 'paused'].includes(m.state)) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; it cannot be cancelled.`);
    return withState(m, 'cancelling', actor);
  });
  await reportState(services, doc);
  if (doc.state !== 'cancelling') return doc;
  const session = await sessionFor(services, doc.connectionId);
  for (const batch of await listBatches(services, id, doc.batchCount)) {
    for (const job of batch.bulkJobs) {
      if (job.resultsStored || TERMINAL_STATES.has(job.state as BulkJobState)) continue;
      await setJobState(session, job.id, 'Aborted').catch((err: unknown) => logger('migrations', { migrationId: id }).warn({ err, jobId: job.id }, 'abort failed'));
    }
  }
  await wakeBatches(services, doc);
  return doc;
}

function assertMayRollBack(m: MigrationDoc, from: readonly MigrationState[]): void {
  if (m.operation === 'delete' || m.operation === 'hardDelete') throw new AppError('ROLLBACK_UNSUPPORTED', 409, 'A delete cannot be rolled back by DMS; restore the records from the Recycle Bin.');
  if (!from.includes(m.state)) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; roll back needs a finished run.`);
}

/** Deletes what the run inserted and restores what it updated, as a job; on a production org after a second person's approval. */
export async function rollbackRequest(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const current = await getMigration(services, id);
  assertMayRollBack(current, ROLLBACK_FROM);
  if (await isProductionConnection(services, current.connectionId)) return requestApproval(services, id, 'rollback', actor);
  return beginRollback(services, id, actor, ROLLBACK_FROM);
}

/** `from` -> rolling_back and the roll back job; `patch` is saved with the new state (an approval). */
export async function beginRollback(
  services: Services, id: string, actor: string, from: readonly MigrationState[], patch: Partial<MigrationDoc> = {},
): Promise<MigrationDoc> {
  const doc = await updateMigration(services, id, (m) => {
    assertMayRollBack(m, from);
    return { ...withState(m, 'rolling_back', actor), ...patch };
  });
  await reportState(services, doc);
  const attempt = doc.history.filter((h) => h.state === 'rolling_back').length;
  await services.producer.enqueue('migration.rollback', { migrationId: id }, { jobId: migrationJobId.rollback(id, attempt) });
  return doc;
}
