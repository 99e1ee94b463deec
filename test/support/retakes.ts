import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../../src/services.js';

/** The queues whose jobs a killed migration worker leaves behind. */
const QUEUES = ['migrations', 'migration-batches'] as const;
const POLL_MS = 100;
const GIVE_UP_MS = 120_000;

/** BullMQ's name of a worker process (workerProcessName() in that process). */
export const workerNameOf = (pid: number): string => `${hostname()}-${pid}`;

/**
 * How long after a kill each job the dead worker held was taken again (by any worker, whatever it did then): the
 * jobs that worker had active just before the kill, followed until their `processedOn` is later than the kill (a job
 * BullMQ failed and DMS revived under the same id counts when its new job is taken). A job that completed meanwhile,
 * or is still waiting when the run ends, counts no gap.
 */
export class RetakeWatch {
  readonly gapsMs: number[] = [];
  private readonly watching: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly services: Services) {}

  /** The ids of the jobs `pid` holds: call it just before the kill. */
  async heldBy(pid: number): Promise<{ queue: (typeof QUEUES)[number]; id: string }[]> {
    const name = workerNameOf(pid);
    const held = await Promise.all(QUEUES.map(async (queue) => {
      const active = await this.services.producer.queue(queue).getActive();
      return active.filter((j) => j.processedBy === name && j.id).map((j) => ({ queue, id: j.id! }));
    }));
    return held.flat();
  }

  /** Follows the jobs held by a worker killed at `killedAt` until each is taken again. */
  follow(held: { queue: (typeof QUEUES)[number]; id: string }[], killedAt: number): void {
    // A job that cannot be read any more (the run ended, its connection closed) counts no gap.
    for (const { queue, id } of held) this.watching.push(this.untilTaken(queue, id, killedAt).catch(() => undefined));
  }

  private async untilTaken(queue: (typeof QUEUES)[number], id: string, killedAt: number): Promise<void> {
    while (!this.stopped && Date.now() - killedAt < GIVE_UP_MS) {
      const job = await this.services.producer.queue(queue).getJob(id);
      if (job && (job.processedOn ?? 0) > killedAt) {
        this.gapsMs.push(job.processedOn! - killedAt);
        return;
      }
      if (job?.finishedOn && !job.failedReason) return;
      await sleep(POLL_MS);
    }
  }

  /** Stops following (the run ended) and answers the gaps seen. */
  async settled(): Promise<number[]> {
    this.stopped = true;
    await Promise.all(this.watching);
    return this.gapsMs;
  }
}
