import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '../src/cache/index.js';
import { startDatasetSweeper } from '../src/datasets/index.js';
import { JOBS, isJobName, workerProcessName, type JobName } from '../src/queue/index.js';
import type { Services } from '../src/services.js';
import { logger } from '../src/logger.js';
import { observeMetric } from '../src/metrics/index.js';
import { listScheduleDocs, restoreMissing } from '../src/schedules/index.js';
import { startMigrationWatch } from '../src/migrations/index.js';
import { PROCESSORS, type Processor } from './registry.js';
import { watchEventLoop } from './loop-watch.js';

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and lets running ones finish up to timeoutMs; then releases them for another worker. */
  close(timeoutMs: number): Promise<void>;
}

/** Checks at boot that every queue has a worker and every job name a processor. */
export function checkRegistry(): void {
  const missing = (Object.keys(JOBS) as JobName[]).filter((name) => typeof PROCESSORS[name] !== 'function');
  if (missing.length > 0) throw new Error(`No processor registered for job(s): ${missing.join(', ')}`);
}

async function dispatch(job: Job, services: Services): Promise<unknown> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`Unknown job name "${job.name}"`);
  const parsed = JOBS[job.name].payload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Invalid payload for ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const processor = PROCESSORS[job.name] as Processor<JobName>;
  return processor(parsed.data as never, { job, services });
}

/** dms_job_duration_seconds: from the moment a worker took the job to its end. */
function observeJob(queue: string, job: Job, outcome: 'completed' | 'failed'): void {
  if (job.processedOn === undefined) return;
  observeMetric('dms_job_duration_seconds', { queue, name: job.name, outcome }, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
}

export function startWorkers(services: Services): RunningWorkers {
  checkRegistry();
  const { config } = services;
  const redisSettings = config.redis;
  if (!redisSettings) throw new Error('startWorkers needs Redis settings');
  const connections: Redis[] = [];
  const workers = config.queue.queues.map((queueName) => {
    const connection = createRedis(redisSettings, 'worker');
    connections.push(connection);
    const batches = queueName === 'migration-batches';
    const lockMs = batches ? config.queue.batchLockMs : config.queue.lockMs;
    const worker = new Worker(queueName, (job) => dispatch(job, services), {
      name: workerProcessName(),
      connection,
      prefix: config.queue.prefix,
      concurrency: batches ? config.queue.batchConcurrency : config.queue.concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: 2,
    });
    const log = logger('worker', { queue: queueName });
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    worker.on('failed', (job, err) => {
      log.warn({ jobId: job?.id, job: job?.name, err: err.message }, 'job failed');
      if (job) observeJob(queueName, job, 'failed');
    });
    worker.on('completed', (job) => {
      log.debug({ jobId: job.id, job: job.name }, 'job completed');
      observeJob(queueName, job, 'completed');
    });
    return worker;
  });
  // A lock is renewed every quarter of it: a loop blocked for a quarter of the shortest lock is worth a warning.
  const drainsBatches = config.queue.queues.includes('migration-batches');
  const stopLoopWatch = watchEventLoop((drainsBatches ? Math.min(config.queue.lockMs, config.queue.batchLockMs) : config.queue.lockMs) / 4);
  // Every worker process takes part: parses whose job is gone end `failed`, left-over chunks are deleted.
  const sweeper = startDatasetSweeper(services);
  if (config.queue.queues.includes('schedules')) {
    // Schedules whose BullMQ scheduler Redis lost (a restart without persistence) are scheduled again.
    listScheduleDocs(services)
      .then((docs) => restoreMissing(services, docs))
      .then((restored) => restored > 0 && logger('worker').warn({ restored }, 'schedules restored in Redis'))
      .catch((err: unknown) => logger('worker').error({ err }, 'schedules could not be checked'));
  }
  // Batch jobs BullMQ gives up on are revived (events), and a periodic watchdog finds the ones no event reported.
  const migrationWatch = config.queue.queues.includes('migrations')
    ? startMigrationWatch(services).catch((err: unknown) => {
      logger('worker').error({ err }, 'migration watchdog could not start');
      return undefined;
    })
    : Promise.resolve(undefined);
  return {
    workers,
    async close(timeoutMs) {
      stopLoopWatch();
      await sweeper.stop();
      (await migrationWatch)?.();
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
      ]);
      if (timedOut) {
        // Forced close leaves the running jobs' locks to expire, so another worker picks them up as stalled.
        logger('worker').warn({ timeoutMs }, 'jobs still running at shutdown; releasing them to other workers');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      for (const connection of connections) connection.disconnect();
    },
  };
}
