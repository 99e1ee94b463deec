import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../../../src/services.js';

/**
 * Waits until no `schedule.run` job is waiting or running: a run a worker took just before a pause may still be
 * starting, and counting before it ends would blame the pause for it.
 */
export async function scheduleRunsSettled(services: Services, timeoutMs = 20_000): Promise<void> {
  const queue = services.producer.queue('schedules');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { active = 0, waiting = 0 } = await queue.getJobCounts('active', 'waiting');
    if (active + waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`schedule runs still busy: ${active} active, ${waiting} waiting`);
    await sleep(50);
  }
}

/**
 * For a missed-run test: waits while no worker runs for at least two run times of a `periodMs` cron, then until just
 * after a run time (so the next one is almost a period away); answers that moment, when the workers come back.
 */
export async function missTwoRuns(periodMs: number): Promise<number> {
  await sleep(2 * periodMs);
  while (Date.now() % periodMs < 100 || Date.now() % periodMs > 300) await sleep(20);
  return Date.now();
}
