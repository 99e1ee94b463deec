import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, QUEUE_NAMES, type JobInput, type JobName, type QueueName } from './catalogue.js';
import { logger } from '../logger.js';

/** The only place that enqueues: `enqueue` takes catalogue names with their payload type. */
export interface Producer {
  enqueue<N extends JobName>(name: N, payload: JobInput<N>, options?: Pick<JobsOptions, 'jobId' | 'delay' | 'priority'>): Promise<Job>;
  enqueueMany<N extends JobName>(name: N, jobs: { payload: JobInput<N>; jobId: string }[]): Promise<Job[]>;
  /** Resolves with the job's return value once a worker finishes it, or rejects on failure/timeout. */
  waitFor(job: Job, timeoutMs: number): Promise<unknown>;
  queue(name: QueueName): Queue;
  /** The queue's event stream (shared, made on first use), e.g. to react to jobs failed by any process. */
  events(name: QueueName): Promise<QueueEvents>;
  close(): Promise<void>;
}

export function createProducer(connection: Redis, prefix: string): Producer {
  const queues = new Map<QueueName, Queue>();
  const events = new Map<QueueName, Promise<{ events: QueueEvents; connection: Redis }>>();
  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      q.on('error', (err) => logger('queue').error({ err, queue: name }, 'queue error'));
      queues.set(name, q);
    }
    return q;
  };
  /** One QueueEvents per queue, made on first use (concurrent first uses share it). */
  const queueEvents = async (name: QueueName): Promise<QueueEvents> => {
    let entry = events.get(name);
    if (!entry) {
      entry = (async () => {
        // QueueEvents blocks on XREAD, so it needs its own connection that retries forever.
        const eventsConnection = connection.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
        // Read from the stream's newest event now, not from '$' when the first XREAD happens to be sent: a job that
        // finishes in between would be missed (waitUntilFinished checks the job once, possibly before it finished).
        const [newest] = await connection.xrevrange(`${prefix}:${name}:events`, '+', '-', 'COUNT', 1);
        const queueEvents = new QueueEvents(name, { connection: eventsConnection, prefix, lastEventId: newest?.[0] ?? '0-0' });
        queueEvents.on('error', (err) => logger('queue').error({ err, queue: name }, 'queue events error'));
        await queueEvents.waitUntilReady();
        return { events: queueEvents, connection: eventsConnection };
      })();
      events.set(name, entry);
      // A failed start (Redis down) is not kept: the next wait tries again.
      entry.catch(() => events.delete(name));
    }
    return (await entry).events;
  };

  return {
    async enqueue(name, payload, options = {}) {
      const spec = JOBS[name];
      const data = spec.payload.parse(payload);
      return queue(spec.queue).add(name, data, { ...spec.options, ...options });
    },
    async enqueueMany(name, jobs) {
      const spec = JOBS[name];
      return queue(spec.queue).addBulk(jobs.map((j) => ({ name, data: spec.payload.parse(j.payload), opts: { ...spec.options, jobId: j.jobId } })));
    },
    async waitFor(job, timeoutMs) {
      const spec = JOBS[job.name as JobName];
      return job.waitUntilFinished(await queueEvents(spec.queue), timeoutMs);
    },
    queue,
    events: queueEvents,
    async close() {
      await Promise.all([...events.values()].map(async (pending) => {
        const e = await pending.catch(() => undefined);
        if (!e) return;
        await e.events.close();
        e.connection.disconnect();
      }));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export { QUEUE_NAMES };
