import { JOBS, type JobName } from './catalogue.js';
import type { Producer } from './producer.js';

/** Where a job stands, as far as someone waiting for its result cares. */
export type JobLiveness =
  | { state: 'missing' }
  /** Waiting, delayed (a retry's backoff) or prioritized: a worker will take it. */
  | { state: 'queued' }
  /** Active, and its worker still renews its lock. */
  | { state: 'running' }
  /** Active with its lock expired: its worker died. A live worker of the queue takes it back (stalled check). */
  | { state: 'orphaned'; workersLeft: number }
  | { state: 'completed' }
  /** Failed with no attempt left. */
  | { state: 'failed'; reason: string };

export async function jobLiveness(producer: Producer, name: JobName, jobId: string): Promise<JobLiveness> {
  const queue = producer.queue(JOBS[name].queue);
  const job = await queue.getJob(jobId);
  if (!job) return { state: 'missing' };
  const state = await job.getState();
  if (state === 'completed') return { state };
  if (state === 'failed') return { state, reason: job.failedReason ?? '' };
  if (state === 'unknown') return { state: 'missing' };
  if (state !== 'active') return { state: 'queued' };
  // BullMQ keeps an active job's lock (its worker's token) at <job key>:lock while the worker lives.
  const client = await queue.getBackend().client;
  if ((await client.get(`${queue.toKey(jobId)}:lock`)) !== null) return { state: 'running' };
  return { state: 'orphaned', workersLeft: (await queue.getWorkers()).length };
}
