import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { MIGRATION_JOBS } from './jobs/migrations.js';
import { DATASET_JOBS } from './jobs/datasets.js';
import { PREFLIGHT_JOBS } from './jobs/preflight.js';
import { AUTOMATION_JOBS } from './jobs/automation.js';
import { PLAN_JOBS } from './jobs/plans.js';
import { TRANSFER_JOBS } from './jobs/transfers.js';

/**
 * The job catalogue: every job DMS runs, its queue, its payload schema and its default options.
 * Web enqueues and workers process only what is listed here. Payloads carry ids, never row data or secrets.
 */
const keepBounded: JobsOptions = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 20000 },
};

/** `holdMs` keeps the worker busy for a while: operators use it to check graceful shutdown on their platform. */
export const PingPayload = z.object({
  requestedAt: z.string(),
  requestedBy: z.string().max(200),
  holdMs: z.number().int().min(0).max(60_000).default(0),
});

export const JOBS = {
  ...MIGRATION_JOBS,
  ...DATASET_JOBS,
  ...PREFLIGHT_JOBS,
  ...AUTOMATION_JOBS,
  ...PLAN_JOBS,
  ...TRANSFER_JOBS,
  'diagnostics.ping': {
    queue: 'diagnostics',
    payload: PingPayload,
    options: { ...keepBounded, attempts: 1, removeOnComplete: { age: 3600, count: 100 } },
  },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;

export type JobName = keyof typeof JOBS;
/** What a processor receives (defaults applied). */
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;
/** What a producer may send (defaults optional). */
export type JobInput<N extends JobName> = z.input<(typeof JOBS)[N]['payload']>;
export type QueueName = (typeof JOBS)[JobName]['queue'];

export const QUEUE_NAMES: readonly QueueName[] = [...new Set(Object.values(JOBS).map((j) => j.queue))];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
