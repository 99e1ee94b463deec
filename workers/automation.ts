import { runSchedule } from '../src/schedules/index.js';
import { deliverWebhook } from '../src/webhooks/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';

/**
 * The cron time a job scheduler's job runs for: BullMQ keeps it as the job's `prevMillis` (also in its id). Its
 * timestamp plus delay is not: BullMQ 6 queues the next job when the run before it is taken, with its delay kept in
 * the delayed set only, so that sum was the run before's time (a nightly export named after yesterday's run).
 */
export const scheduleRun: Processor<'schedule.run'> = (payload, { services, job }) =>
  runSchedule(services, payload.scheduleId, job.opts.prevMillis ?? job.timestamp + (job.delay ?? 0));

export const webhookDeliver: Processor<'webhook.deliver'> = (payload, { services, job }) =>
  deliverWebhook(services, payload, isLastAttempt(job));
