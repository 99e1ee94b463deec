import type { Job } from 'bullmq';
import type { JobName, JobPayload } from '../src/queue/index.js';
import type { Services } from '../src/services.js';
import { ping } from './diagnostics.js';
import { exportQuery, parse as parseDataset } from './datasets.js';
import * as migrations from './migrations.js';
import { validate } from './preflight.js';
import { scheduleRun, webhookDeliver } from './automation.js';
import { planRun } from './plans.js';
import { transferRetry, transferRun } from './transfers.js';

export type Processor<N extends JobName> = (payload: JobPayload<N>, context: { job: Job; services: Services }) => Promise<unknown>;

/** One processor per catalogue job: a missing entry is a compile error. */
export const PROCESSORS: { [N in JobName]: Processor<N> } = {
  'diagnostics.ping': ping,
  'dataset.parse': parseDataset,
  'dataset.export': exportQuery,
  'validation.run': validate,
  'schedule.run': scheduleRun, 'webhook.deliver': webhookDeliver,
  'plan.run': planRun,
  'transfer.run': transferRun, 'transfer.retry': transferRetry,
  'migration.plan': migrations.plan, 'migration.batch': migrations.batch, 'migration.finalize': migrations.finalize, 'migration.rollback': migrations.rollback,
  'migration.reconcile': migrations.reconcile,
  'migration.watchdog': migrations.watchdog,
};
