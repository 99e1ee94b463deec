import type { Services } from '../services.js';
import { JOBS } from '../queue/index.js';
import { scheduleIdOf, type ScheduleDoc } from './model.js';

/**
 * Each active schedule is a BullMQ job scheduler on the `schedules` queue: it keeps one next job (delayed until the
 * next cron time) in Redis. A run missed while DMS was down is that one overdue job, taken once at start; then the
 * scheduler goes on from the next cron time. The scheduler is only ever replaced on purpose (create, change,
 * resume), never at boot, so the overdue job is not lost.
 */
const queue = (services: Services) => services.producer.queue(JOBS['schedule.run'].queue);

export async function activate(services: Services, doc: ScheduleDoc): Promise<void> {
  const id = scheduleIdOf(doc);
  const { options } = JOBS['schedule.run'];
  const template = { name: 'schedule.run', data: { scheduleId: id }, opts: options };
  await queue(services).upsertJobScheduler(id, { pattern: doc.cron, tz: doc.timezone }, template);
}

export async function deactivate(services: Services, doc: Pick<ScheduleDoc, '_id'>): Promise<void> {
  await queue(services).removeJobScheduler(scheduleIdOf(doc));
}

/** When the scheduler will next start a run (undefined while paused or not scheduled). */
export async function nextRunAt(services: Services, doc: ScheduleDoc): Promise<string | undefined> {
  const scheduler = await queue(services).getJobScheduler(scheduleIdOf(doc));
  return scheduler?.next ? new Date(scheduler.next).toISOString() : undefined;
}

/** Re-creates the schedulers of active schedules that Redis lost (a Redis without persistence restarted). */
export async function restoreMissing(services: Services, docs: ScheduleDoc[]): Promise<number> {
  let restored = 0;
  for (const doc of docs.filter((d) => !d.paused)) {
    if (await queue(services).getJobScheduler(scheduleIdOf(doc))) continue;
    await activate(services, doc);
    restored++;
  }
  return restored;
}
