import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { retried } from './options.js';

/** One run of a schedule (src/schedules); its job scheduler has the schedule's id. */
export const ScheduleRunPayload = z.object({ scheduleId: z.string().min(1).max(100) });

/** One run end to one webhook (src/webhooks); `queuedAt` names the delivery in the log across retries. */
export const WebhookDeliverPayload = z.object({
  webhookId: z.string().min(1).max(100),
  migrationId: z.string().min(1).max(100),
  event: z.enum(['completed', 'failed', 'stalled']),
  queuedAt: z.string(),
});

export const AUTOMATION_JOBS = {
  // A run that cannot start is recorded on the schedule; only a store or Redis outage is retried.
  'schedule.run': {
    queue: 'schedules', payload: ScheduleRunPayload, options: retried(3, 5000),
  },
  // 8 attempts from 10 s doubling: the last one about 21 minutes after the first.
  'webhook.deliver': {
    queue: 'webhooks', payload: WebhookDeliverPayload, options: retried(8, 10_000),
  },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
