import { makeId } from '../../salesforce/record-id.js';
import type { EmulatorState } from '../state.js';
import type { IngestJob } from './ingest-job.js';
import { processIngest } from './process-ingest.js';
import type { QueryJob } from './query-job.js';

/** Bulk jobs of both kinds; ingest jobs are processed one after another, in the order they were closed. */
export class BulkJobs {
  readonly ingest = new Map<string, IngestJob>();
  readonly query = new Map<string, QueryJob>();
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly state: EmulatorState) {}

  nextId(): string {
    this.sequence += 1;
    return makeId('750', this.sequence, this.state.store.salt);
  }

  enqueue(job: IngestJob): void {
    this.queue = this.queue.then(() => processIngest(this.state, job)).catch((error: unknown) => {
      job.errorMessage = `InternalServerError : ${(error as Error).message}`;
      job.touch('Failed');
    });
  }

  /** Resolves when every queued ingest job has been processed (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  countToday(): { ingestBatches: number; queryJobs: number } {
    let ingestBatches = 0;
    for (const job of this.ingest.values()) ingestBatches += Math.max(1, Math.ceil(job.outcomes.length / 10_000));
    return { ingestBatches, queryJobs: this.query.size };
  }

  clear(): void {
    for (const job of this.ingest.values()) job.release();
    this.ingest.clear();
    this.query.clear();
  }
}
