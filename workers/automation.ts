import { runSchedule } from '../src/schedules/index.js';
import { deliverWebhook } from '../src/webhooks/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';

/** A job scheduler's job is created with the delay to its cron time: their sum is the time the run is for. */
export const scheduleRun: Processor<'schedule.run'> = (payload, { services, job }) =>
  runSchedule(services, payload.scheduleId, job.timestamp + (job.delay ?? 0));

export const webhookDeliver: Processor<'webhook.deliver'> = (payload, { services, job }) =>
  deliverWebhook(services, payload, isLastAttempt(job));
