import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import type { MigrationDoc } from '../migrations/model.js';
import { emptyCounts, reconciliationId, type ReconciliationDoc } from './model.js';
import { findReconciliation, saveReconciliation } from './store.js';

/** States after which the records a run wrote stay as it left them (a rolled back run's are gone). */
const RECONCILABLE = new Set(['completed', 'cancelled', 'failed']);

/** Whether a run can be reconciled; a delete leaves nothing to compare. */
export function reconcilable(migration: Pick<MigrationDoc, 'state' | 'operation'>): boolean {
  return RECONCILABLE.has(migration.state) && migration.operation !== 'delete' && migration.operation !== 'hardDelete';
}

/** Queues a reconciliation of a finished run (the report says `queued` until a worker takes it). */
export async function requestReconciliation(services: Services, migration: MigrationDoc, by: string): Promise<ReconciliationDoc> {
  if (!reconcilable(migration)) {
    throw new AppError(
      'RECONCILIATION_NOT_APPLICABLE', 409,
      `Run ${migration._id} is ${migration.state} (${migration.operation}): only a finished insert, update or upsert that was not rolled back can be reconciled.`,
    );
  }
  const previous = await findReconciliation(services, migration._id);
  if (previous?.state === 'queued' || previous?.state === 'running') return previous;
  const requestedAt = new Date();
  const doc = await saveReconciliation(services, {
    _id: reconciliationId(migration._id), _rev: previous?._rev, kind: 'reconciliation', migrationId: migration._id, state: 'queued',
    requestedBy: by, requestedAt: requestedAt.toISOString(), counts: emptyCounts(), differences: [], normalisations: [], pieces: [], batchesDone: 0,
  });
  const jobId = migrationJobId.reconcile(migration._id, requestedAt.getTime());
  await services.producer.enqueue('migration.reconcile', { migrationId: migration._id }, { jobId });
  return doc;
}

/**
 * After a run completes: reconciles it unless its options turned that off. A failure to queue it is logged, not
 * thrown: the run is complete either way, and the page offers the reconciliation again.
 */
export async function reconcileAfterRun(services: Services, migration: MigrationDoc): Promise<void> {
  if (migration.state !== 'completed' || !migration.options.reconcile || !reconcilable(migration)) return;
  await requestReconciliation(services, migration, 'system').catch((err: unknown) => {
    logger('migrations', { migrationId: migration._id }).error({ err }, 'could not queue the reconciliation of a completed run');
  });
}
