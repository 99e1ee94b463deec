import { mkdtempSync, rmSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '../../logger.js';
import { makeId } from '../../salesforce/record-id.js';
import { sequenceOfId } from '../data/row-ids.js';
import type { EmulatorState } from '../state.js';
import type { IngestJob } from './ingest-job.js';
import { loadJobFiles, removeJobFiles, saveJobFile } from './job-files.js';
import { processIngest } from './process-ingest.js';
import type { QueryJob } from './query-job.js';

/** How often finished jobs are checked for expiry, at most. */
const SWEEP_MS = 60_000;

/**
 * Bulk jobs of both kinds; ingest jobs are processed one after another, in the order they were closed. Each ingest
 * job keeps its upload and results in a folder under `jobs/` of the data folder (a temp folder without one). A
 * finished job (and its files) is deleted `bulkJobRetentionMs` after its last change, as an org deletes jobs
 * after 7 days.
 */
export class BulkJobs {
  readonly ingest = new Map<string, IngestJob>();
  readonly query = new Map<string, QueryJob>();
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly saves = new Map<string, Promise<void>>();
  private readonly root: string;
  private readonly temporary: boolean;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly state: EmulatorState) {
    const dataDir = state.options.dataDir;
    this.temporary = !dataDir;
    this.root = dataDir ? join(dataDir, 'jobs') : mkdtempSync(join(tmpdir(), 'dms-org-jobs-'));
    const retention = state.options.bulkJobRetentionMs;
    this.sweeper = setInterval(() => void this.expire(), Math.max(10, Math.min(SWEEP_MS, retention / 4)));
    this.sweeper.unref();
  }

  nextId(): string {
    this.sequence += 1;
    return makeId('750', this.sequence, this.state.store.salt);
  }

  folderOf(id: string): string {
    return join(this.root, id);
  }

  /**
   * Reads the jobs a previous run saved. An Open job's upload is cut back to what its finished PUTs sent (a PUT cut
   * off by a kill was not answered, so the client sends it again). A job that was closed but not started is
   * processed now; one that was being processed when the org stopped (killed) ends Failed: rows after the last
   * results written may or may not have been written.
   */
  async load(): Promise<void> {
    for (const job of await loadJobFiles(this.root, this.state.store)) {
      this.ingest.set(job.id, job);
      this.sequence = Math.max(this.sequence, sequenceOfId(job.id, this.state.store.salt));
      if (job.state === 'Open') await truncate(job.uploadPath, job.uploadBytes).catch(() => undefined);
      if (job.state === 'InProgress') {
        job.errorMessage = 'InternalServerError : the Local org stopped while it processed this job; '
          + `rows after the first ${job.rows} have no results`;
        job.touch('Failed');
        this.save(job);
      }
      if (job.state === 'UploadComplete') this.enqueue(job);
    }
  }

  enqueue(job: IngestJob): void {
    this.queue = this.queue.then(() => processIngest(this.state, job)).catch((error: unknown) => {
      job.errorMessage = `InternalServerError : ${(error as Error).message}`;
      job.touch('Failed');
    }).then(() => this.save(job));
  }

  /** Writes the job's job.json after any write of it still under way. */
  save(job: IngestJob): Promise<void> {
    if (job.deleted) return Promise.resolve();
    const previous = this.saves.get(job.id) ?? Promise.resolve();
    const next = previous.then(() => (job.deleted ? undefined : saveJobFile(job))).catch((err: unknown) => {
      logger('emulator').error({ err, jobId: job.id }, 'saving a Bulk job failed');
    });
    this.saves.set(job.id, next);
    return next;
  }

  /** Forgets the job and deletes its files. */
  async remove(job: IngestJob): Promise<void> {
    job.deleted = true;
    this.ingest.delete(job.id);
    await this.saves.get(job.id);
    this.saves.delete(job.id);
    await removeJobFiles(job.dir);
  }

  /** Deletes the finished jobs (ingest and query) whose last change is older than the retention period. */
  async expire(now = Date.now()): Promise<void> {
    const before = now - this.state.options.bulkJobRetentionMs;
    for (const job of [...this.ingest.values()]) {
      if (job.finished && job.modifiedAt < before) await this.remove(job);
    }
    for (const job of [...this.query.values()]) {
      if (job.finished && job.modifiedAt < before) this.query.delete(job.id);
    }
  }

  /** Resolves when every queued ingest job has been processed and saved (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
    await Promise.all(this.saves.values());
  }

  countToday(): { ingestBatches: number; queryJobs: number } {
    let ingestBatches = 0;
    for (const job of this.ingest.values()) ingestBatches += Math.max(1, Math.ceil(job.rows / 10_000));
    return { ingestBatches, queryJobs: this.query.size };
  }

  async clear(): Promise<void> {
    await Promise.all([...this.ingest.values()].map((job) => this.remove(job)));
    this.query.clear();
  }

  /** Stops the expiry timer; a temp folder (no data folder) goes with its jobs. */
  close(): void {
    clearInterval(this.sweeper);
    if (this.temporary) rmSync(this.root, { recursive: true, force: true });
  }
}
