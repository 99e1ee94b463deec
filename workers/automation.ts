import { runSchedule } from '../src/schedules/index.js';
import { deliverWebhook } from '../src/webhooks/index.js';
import type { Processor } from './registry.js';

export const scheduleRun: Processor<'schedule.run'> = (payload, { services }) => runSchedule(services, payload.scheduleId);

export const webhookDeliver: Processor<'webhook.deliver'> = (payload, { services, job }) =>
  deliverWebhook(services, payload, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
