import { ZodError } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { withRetry } from '../store/index.js';
import { getTemplate } from '../templates/index.js';
import { createMigration, startMigration } from '../migrations/index.js';
import { saveSchedule, getSchedule } from './store.js';
import type { ScheduleDoc, ScheduledJob } from './model.js';

/** The newest ready dataset of a name (a recurring upload from CI keeps its name). */
async function newestDataset(services: Services, name: string): Promise<string> {
  await services.store.client.authorize();
  const result = await withRetry(() => services.store.db('datasets').find({
    selector: { kind: 'dataset', createdAt: { $gt: '' }, name, status: 'ready' },
    sort: [{ kind: 'desc' }, { createdAt: 'desc' }],
    use_index: 'by-kind-created',
    fields: ['_id'],
    limit: 1,
  }));
  const id = (result.docs[0] as { _id?: string } | undefined)?._id;
  if (!id) throw new AppError('SCHEDULE_NO_DATASET', 409, `No ready dataset is named "${name}".`);
  return id;
}

/** Starts what a schedule names; answers the run's id. */
async function startJob(services: Services, job: ScheduledJob, actor: string): Promise<string> {
  const template = await getTemplate(services.store, job.templateName);
  const datasetId = job.datasetId ?? (await newestDataset(services, job.datasetName as string));
  const doc = await createMigration(services, {
    datasetId, connectionId: job.connectionId, object: job.object, operation: job.operation,
    externalIdField: job.externalIdField ?? template.externalIdField,
    template: { mapping: template.mapping, pipeline: template.pipeline },
    ...(job.options ? { options: job.options } : {}),
  }, actor);
  await startMigration(services, doc._id, actor);
  return doc._id;
}

/**
 * The `schedule.run` job: one run of a schedule. A paused or deleted schedule starts nothing; a run that cannot start
 * (its template or dataset is gone) is recorded on the schedule and does not stop later runs.
 */
export async function runSchedule(services: Services, scheduleId: string): Promise<{ migrationId?: string; skipped?: string }> {
  let doc: ScheduleDoc;
  try {
    doc = await getSchedule(services, scheduleId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return { skipped: 'deleted' };
    throw error;
  }
  if (doc.paused) return { skipped: 'paused' };
  const at = new Date().toISOString();
  try {
    const migrationId = await startJob(services, doc.job, `schedule:${doc.name}`);
    await saveSchedule(services, { ...doc, lastRun: { at, migrationId } });
    return { migrationId };
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof ZodError)) throw error;
    const code = error instanceof AppError ? error.code : 'VALIDATION_FAILED';
    logger('worker', { scheduleId }).warn({ code }, `scheduled run could not start: ${error.message}`);
    await saveSchedule(services, { ...doc, lastRun: { at, error: `${code}: ${error.message}`.slice(0, 500) } });
    return { skipped: code };
  }
}
