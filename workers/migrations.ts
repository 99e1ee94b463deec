import { DelayedError } from 'bullmq';
import { Deferred, finalizeMigration, planMigration, rollbackMigration, runBatch, noteWait, watchMigrations } from '../src/migrations/index.js';
import { reconcileMigration } from '../src/reconciliation/index.js';
import type { Processor } from './registry.js';
import { countRows } from './metrics.js';
import { notifyEnd } from './notify.js';

export const plan: Processor<'migration.plan'> = (payload, { services }) => planMigration(services, payload.migrationId);

/** A deferred batch (paused, no free slot) goes back to the delayed set: not a failure, no attempt used. */
export const batch: Processor<'migration.batch'> = async (payload, { services, job }) => {
  try {
    return await runBatch(services, payload.migrationId, payload.batch);
  } catch (error) {
    if (!(error instanceof Deferred)) throw error;
    if (error.wait) await noteWait(services, payload.migrationId, error.wait);
    await job.moveToDelayed(Date.now() + error.delayMs, job.token);
    throw new DelayedError(error.message);
  }
};

export const finalize: Processor<'migration.finalize'> = async (payload, { services }) => {
  const result = await finalizeMigration(services, payload.migrationId);
  await countRows(services, payload.migrationId);
  await notifyEnd(services, payload.migrationId);
  return result;
};

export const rollback: Processor<'migration.rollback'> = (payload, { services }) => rollbackMigration(services, payload.migrationId);

export const reconcile: Processor<'migration.reconcile'> = (payload, { services }) => reconcileMigration(services, payload.migrationId);
export const watchdog: Processor<'migration.watchdog'> = (_payload, { services }) => watchMigrations(services);
