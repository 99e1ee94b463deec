import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { withRetry } from '../store/index.js';
import { MIGRATION_JOBS, WATCHDOG_SCHEDULER, migrationJobId } from '../queue/jobs/migrations.js';
import { MigrationDoc } from './model.js';
import { reviveBatch } from './revive.js';
import { planAttempt } from './plan-checkpoint.js';
import { listBatches } from './store.js';
import { batchProgress } from './progress.js';
import { stallOf } from './stall.js';
import { notifyRunEnd } from '../webhooks/notify.js';

/** States in which a migration's plan or batches still have to run (a paused run's jobs wait in the delayed set). */
const ACTIVE_STATES = ['queued', 'running', 'cancelling', 'paused'];
/** BullMQ states of a job a worker has or will take. */
const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
/** A missing job is revived when two sweeps in a row saw it missing: planning enqueues just after it saves the batches. */
const missingKey = (services: Services, jobId: string) => `${services.config.queue.prefix}:dms-missing:${jobId}`;

export interface WatchReport { migrations: number; revived: string[]; finalized: string[]; stalled: string[] }

async function activeMigrations(services: Services): Promise<MigrationDoc[]> {
  await services.store.client.authorize();
  const page = await withRetry(() => services.store.db('migrations').find({
    selector: { kind: { $eq: 'migration' }, state: { $in: ACTIVE_STATES } },
    use_index: 'by-kind-state',
    limit: 1000,
  }));
  return page.docs.map((d) => MigrationDoc.parse(d));
}

/** Why a plan or batch needs a new job, or undefined while its job lives (or was only just found missing). */
async function lossOf(services: Services, queueName: 'migrations' | 'migration-batches', jobId: string): Promise<string | undefined> {
  const job = await services.producer.queue(queueName).getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  if (LIVE.has(state)) return undefined;
  if (state === 'failed') return `BullMQ gave up on its job: ${job?.failedReason ?? 'no reason given'}`;
  if (state === 'completed') return 'its job completed without finishing its work';
  const key = missingKey(services, jobId);
  if ((await services.redis.set(key, '1', 'PX', services.config.migrations.watchdogMs * 4, 'NX')) === 'OK') return undefined;
  await services.redis.del(key);
  return 'its job is missing from the queue';
}

/**
 * A queued run, or one whose planning follows a parse, whose plan job BullMQ gave up on (its worker died while
 * planning) is planned again: planning is idempotent.
 */
async function ensurePlan(services: Services, migration: MigrationDoc): Promise<boolean> {
  const migrationId = migration._id;
  const jobId = migrationJobId.plan(migrationId, planAttempt(migration));
  const reason = await lossOf(services, 'migrations', jobId);
  if (!reason) return false;
  await services.producer.queue('migrations').remove(jobId);
  await services.producer.enqueue('migration.plan', { migrationId }, { jobId });
  logger('migrations', { migrationId }).warn({ reason }, 'plan job lost: enqueued again');
  return true;
}

/** Finalize for a run whose batches all ended but whose finalize job is gone (it is idempotent: enqueueing again is safe). */
async function ensureFinalize(services: Services, migrationId: string): Promise<boolean> {
  const jobId = migrationJobId.finalize(migrationId);
  const queue = services.producer.queue('migrations');
  if (LIVE.has(await queue.getJobState(jobId))) return false;
  await queue.remove(jobId);
  await services.producer.enqueue('migration.finalize', { migrationId }, { jobId });
  return true;
}

/** The `stalled` webhooks hear of a run once, the first time the watchdog finds it without progress. */
async function noticeStall(services: Services, migration: MigrationDoc): Promise<boolean> {
  const stall = await stallOf(services, migration, await batchProgress(services, migration._id));
  if (!stall) return false;
  const key = `${services.config.queue.prefix}:dms-stalled:${migration._id}`;
  if ((await services.redis.set(key, stall.since, 'EX', 30 * 24 * 3600, 'NX')) !== 'OK') return false;
  logger('migrations', { migrationId: migration._id }).warn(stall, 'migration stalled');
  await notifyRunEnd(services, migration._id, 'stalled');
  return true;
}

/**
 * The periodic check (a BullMQ job scheduler runs it every MIGRATION_WATCHDOG_MS) that no run waits for a job that
 * will never come: every open batch of an active migration has a live job, or is revived; a run whose batches all
 * ended has its finalize job; a run without progress is reported stalled. It repairs what a lost `failed` event or a lost Redis key would otherwise leave hanging.
 */
export async function watchMigrations(services: Services): Promise<WatchReport> {
  const report: WatchReport = { migrations: 0, revived: [], finalized: [], stalled: [] };
  for (const migration of await activeMigrations(services)) {
    report.migrations++;
    if (migration.state === 'queued' || migration.following) {
      if (await ensurePlan(services, migration)) report.revived.push(`${migration._id}:plan`);
      if (migration.state === 'queued') continue;
    }
    if (migration.batchCount === 0) continue; // planned without rows: finalize was enqueued with the plan
    const batches = await listBatches(services, migration._id, migration.batchCount);
    const open = batches.filter((b) => b.state !== 'done' && b.state !== 'cancelled');
    for (const batch of open) {
      const reason = await lossOf(services, 'migration-batches', migrationJobId.batch(migration._id, batch.batch));
      if (!reason) continue;
      const result = await reviveBatch(services, migration._id, batch.batch, reason);
      if (result === 'revived' || result === 'abandoned') report.revived.push(`${migration._id}:${batch.batch}`);
    }
    const planned = !migration.following && batches.length === migration.batchCount;
    if (open.length === 0 && planned && migration.state !== 'paused') {
      if (await ensureFinalize(services, migration._id)) report.finalized.push(migration._id);
    }
    if (await noticeStall(services, migration)) report.stalled.push(migration._id);
  }
  if (report.revived.length + report.finalized.length + report.stalled.length > 0) logger('migrations').warn(report, 'watchdog repaired runs');
  return report;
}

/**
 * The fast path: a batch job BullMQ failed for good (attempts used up, stalled too often) is revived at once, from
 * the queue's event stream (a worker's own `failed` event misses jobs failed by another process's stalled check).
 */
async function reviveOnFailure(services: Services): Promise<() => void> {
  const events = await services.producer.events('migration-batches');
  const log = logger('migrations');
  const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
    const match = /^(.+):batch:(\d+)$/.exec(jobId);
    if (!match) return;
    void (async () => {
      // A failed attempt with attempts left is retried by BullMQ itself (the job is delayed, not failed).
      if ((await services.producer.queue('migration-batches').getJobState(jobId)) !== 'failed') return;
      await reviveBatch(services, match[1], Number(match[2]), `BullMQ gave up on its job: ${failedReason}`);
    })().catch((err: unknown) => log.warn({ err, jobId }, 'could not revive a failed batch job; the watchdog will'));
  };
  events.on('failed', onFailed);
  return () => events.off('failed', onFailed);
}

/** In a process that drains the `migrations` queue: the watchdog's scheduler (one for all processes) and the fast path. */
export async function startMigrationWatch(services: Services): Promise<() => void> {
  const every = services.config.migrations.watchdogMs;
  const template = { name: 'migration.watchdog', data: {}, opts: MIGRATION_JOBS['migration.watchdog'].options };
  await services.producer.queue('migrations').upsertJobScheduler(WATCHDOG_SCHEDULER, { every }, template);
  return reviveOnFailure(services);
}
