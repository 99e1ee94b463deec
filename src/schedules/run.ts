import { ZodError } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { withRetry } from '../store/index.js';
import { getTemplate } from '../templates/index.js';
import { createExport } from '../exports/index.js';
import { createMigration, startMigration } from '../migrations/index.js';
import { findTransfer, isFinished, presentTransfer, startTransferFrom } from '../transfers/index.js';
import { saveSchedule, getSchedule } from './store.js';
import type { LastRun, ScheduleDoc, ScheduledExport, ScheduledMigration, ScheduledTransfer } from './model.js';

/** What a run started: a migration, an export's dataset or a transfer. */
type Started = Pick<LastRun, 'migrationId' | 'datasetId' | 'transferId'>;

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

async function startScheduledMigration(services: Services, job: ScheduledMigration, actor: string): Promise<Started> {
  const template = await getTemplate(services.store, job.templateName);
  const datasetId = job.datasetId ?? (await newestDataset(services, job.datasetName as string));
  const doc = await createMigration(services, {
    datasetId, connectionId: job.connectionId, object: job.object, operation: job.operation,
    externalIdField: job.externalIdField ?? template.externalIdField,
    template: { mapping: template.mapping, pipeline: template.pipeline },
    ...(job.options ? { options: job.options } : {}),
  }, actor);
  await startMigration(services, doc._id, actor);
  return { migrationId: doc._id };
}

/** `2026-12-06 19:00:00`: a run's time in its schedule's zone, as the cron reads it. */
const localTime = (at: string, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(at));

/**
 * Each run of a recurring export is a new dataset, named with the cron time it runs for (`Nightly accounts 2026-12-06
 * 02:00:00`): unique per run even when a busy worker takes two runs within one second.
 */
async function startScheduledExport(services: Services, schedule: ScheduleDoc, job: ScheduledExport, dueAt: string): Promise<Started> {
  const { kind: _kind, name, ...request } = job;
  // A dataset's name is at most 200 characters: the time must survive.
  const runName = `${(name ?? schedule.name).slice(0, 180)} ${localTime(dueAt, schedule.timezone)}`;
  const dataset = await createExport(services, { ...request, name: runName }, `schedule:${schedule.name}`);
  return { datasetId: dataset._id };
}

/**
 * Each run of a recurring transfer is a new one-shot transfer named with its cron time, like an export's dataset. A
 * run still going (waiting for room, paused) when the next is due is not doubled: that run is skipped and says so.
 */
async function startScheduledTransfer(services: Services, schedule: ScheduleDoc, job: ScheduledTransfer, dueAt: string): Promise<Started> {
  const previous = schedule.lastRun?.transferId;
  const before = previous ? await findTransfer(services.store, previous) : undefined;
  if (before && !isFinished(before.status)) {
    throw new AppError('SCHEDULE_RUN_BUSY', 409, `The previous run, transfer ${before.name}, is still ${before.status}: this run is skipped.`);
  }
  const runName = `${(job.name ?? schedule.name).slice(0, 180)} ${localTime(dueAt, schedule.timezone)}`;
  const doc = await startTransferFrom(services, job.transferId, runName, `schedule:${schedule.name}`);
  return { transferId: presentTransfer(doc).id };
}

/** Starts the schedule's run by its kind. */
function startRun(services: Services, doc: ScheduleDoc, dueAt: string): Promise<Started> {
  const { job } = doc;
  if (job.kind === 'export') return startScheduledExport(services, doc, job, dueAt);
  if (job.kind === 'transfer') return startScheduledTransfer(services, doc, job, dueAt);
  return startScheduledMigration(services, job, `schedule:${doc.name}`);
}

/**
 * The `schedule.run` job: one run of a schedule, due at `dueAtMs` (its cron time). A paused or deleted schedule starts
 * nothing; a run that cannot start (its template or dataset is gone) is recorded on the schedule and does not stop
 * later runs.
 */
export async function runSchedule(
  services: Services, scheduleId: string, dueAtMs = Date.now(),
): Promise<Started & { skipped?: string }> {
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
    const started = await startRun(services, doc, new Date(dueAtMs).toISOString());
    await saveSchedule(services, { ...doc, lastRun: { at, ...started } });
    return started;
  } catch (error) {
    if (!(error instanceof AppError) && !(error instanceof ZodError)) throw error;
    const code = error instanceof AppError ? error.code : 'VALIDATION_FAILED';
    logger('worker', { scheduleId }).warn({ code }, `scheduled run could not start: ${error.message}`);
    // A busy transfer run is still the last run: the next one checks it again.
    const busy = code === 'SCHEDULE_RUN_BUSY' ? { transferId: doc.lastRun?.transferId } : {};
    await saveSchedule(services, { ...doc, lastRun: { at, ...busy, error: `${code}: ${error.message}`.slice(0, 500) } });
    return { skipped: code };
  }
}
