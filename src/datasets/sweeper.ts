import type { Services } from '../services.js';
import { tryLock } from '../cache/index.js';
import { logger } from '../logger.js';
import { jobLiveness, workerProcessName, type JobLiveness } from '../queue/index.js';
import { datasetsInStatus, datasetsWithCleanup, updateDataset } from './dataset-store.js';
import type { DatasetDoc, DatasetStatus } from './model.js';
import { exportJobId, parseJobId } from './parse-job.js';
import { publishProgress } from './progress.js';
import { cleanUpChunks, failedState, type ParseFailure } from './run-end.js';

/** How often some worker process sweeps (one at a time across all of them: a Redis lock per period). */
export const SWEEP_EVERY_MS = 10_000;
/** An upload with no parse job yet (its first 2 MB part not stored) and no change for this long is abandoned. */
const UPLOAD_STALL_MS = 5 * 60_000;
/** A dataset waiting for a parse job that does not exist: the job is enqueued right after the document is written. */
const NOT_ENQUEUED_MS = 30_000;
/** A running parse whose progress has not moved for this long is stopped (one following an upload stops itself at 5). */
const PARSE_STALL_MS = 15 * 60_000;
/** A finished run cleans up after itself at once; the sweeper retries only what is older. */
const CLEANUP_RETRY_AFTER_MS = 60_000;

const ACTIVE: readonly DatasetStatus[] = ['uploading', 'uploaded', 'parsing', 'exporting'];

/** What the messages call the run: a parse, or an export (which is started again, not re-parsed). */
const runOf = (doc: DatasetDoc) =>
  doc.source ? { what: 'export', again: 'Start the export again' } : { what: 'parse', again: 'Re-parse the dataset' };

const abandoned = (why: string, doc: DatasetDoc): ParseFailure => ({
  code: 'PARSE_ABANDONED',
  message: `The ${runOf(doc).what} stopped and will not resume: ${why}. ` +
    `${runOf(doc).again}; if that fails again, contact an administrator.`,
});

/**
 * Whether an active dataset's parse is gone for good. `lockMs` is the workers' job lock: a parse whose process died
 * goes back to another parser within about two locks, if one runs.
 */
export function judgeParse(doc: DatasetDoc, job: JobLiveness, now: number, lockMs: number): ParseFailure | undefined {
  const idleMs = now - Date.parse(doc.updatedAt);
  switch (job.state) {
    case 'queued':
      return undefined;
    case 'running':
      if (idleMs <= PARSE_STALL_MS) return undefined;
      return {
        code: 'PARSE_STALLED',
        message:
          `The ${runOf(doc).what} made no progress for 15 minutes and was stopped. ` +
          `${runOf(doc).again}; if it stalls again, contact an administrator.`,
      };
    case 'orphaned':
      if (job.workersLeft > 0 && idleMs <= 2 * lockMs + SWEEP_EVERY_MS) return undefined;
      return abandoned('the parser process running it stopped (killed, or out of memory) and no other took it over', doc);
    case 'failed':
      return abandoned(`its retries are used up (last error: ${job.reason.slice(0, 200) || 'unknown'})`, doc);
    case 'completed':
      return abandoned('its job ended without recording the result', doc);
    case 'missing':
      if (doc.status === 'uploading') {
        if (idleMs <= UPLOAD_STALL_MS) return undefined;
        const message = 'The upload stopped before the end: nothing arrived for 5 minutes. Upload the file again.';
        return { code: 'UPLOAD_STALLED', message };
      }
      return idleMs > NOT_ENQUEUED_MS ? abandoned('its job is gone from the queue', doc) : undefined;
  }
}

export interface SweepReport {
  failed: { id: string; code: string }[];
  cleaned: string[];
}

/** Marks datasets whose parse is gone `failed` (and deletes their chunks), and retries chunk deletions left over. */
export async function sweepDatasets(services: Services, now = Date.now()): Promise<SweepReport> {
  const { store, redis, producer, config } = services;
  const report: SweepReport = { failed: [], cleaned: [] };
  for (const status of ACTIVE) {
    for await (const doc of datasetsInStatus(store, status)) {
      if (doc.transferId) continue;
      const job = doc.status === 'exporting'
        ? await jobLiveness(producer, 'dataset.export', exportJobId(doc))
        : await jobLiveness(producer, 'dataset.parse', parseJobId(doc));
      const failure = judgeParse(doc, job, now, config.queue.lockMs);
      if (!failure) continue;
      const stillActive = (current: DatasetDoc) => current.parseRun === doc.parseRun && ACTIVE.includes(current.status);
      const failed = await updateDataset(store, doc._id, (current) =>
        stillActive(current) ? failedState(current, failure) : undefined,
      );
      if (!failed) continue;
      report.failed.push({ id: doc._id, code: failure.code });
      const bytesRead = doc.progress?.bytesRead ?? 0;
      const { sizeBytes, error } = failed;
      const progress = { status: 'failed' as const, bytesRead, sizeBytes, rowsRead: 0, chunks: 0, error };
      await publishProgress(redis, doc._id, progress).catch(() => undefined);
      await cleanUpChunks(store, failed);
    }
  }
  for (const doc of await datasetsWithCleanup(store)) {
    const finished = doc.status === 'ready' || doc.status === 'failed';
    if (!finished || now - Date.parse(doc.updatedAt) < CLEANUP_RETRY_AFTER_MS) continue;
    if (await cleanUpChunks(store, doc)) report.cleaned.push(doc._id);
  }
  return report;
}

/**
 * Sweeps every SWEEP_EVERY_MS in this process when no other process did during the period (a Redis lock), so that
 * any number of worker processes sweep once per period together.
 */
export function startDatasetSweeper(services: Services, everyMs = SWEEP_EVERY_MS): { stop(): Promise<void> } {
  const log = logger('datasets');
  const lockKey = `${services.config.queue.prefix}:dms-sweep:datasets`;
  let running: Promise<void> | undefined;
  const sweep = async () => {
    if (!(await tryLock(services.redis, lockKey, everyMs - 200, workerProcessName()))) return;
    const report = await sweepDatasets(services);
    if (report.failed.length === 0 && report.cleaned.length === 0) return;
    log.warn(report, 'dataset sweep: abandoned parses failed, left-over chunks deleted');
  };
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((err: unknown) => log.warn({ err }, 'dataset sweep failed; the next one tries again'))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
