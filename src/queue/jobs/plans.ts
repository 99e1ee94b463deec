import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { retried } from './options.js';

/** One run of an org-to-org plan (or its roll back): the run document says which and where it stands. */
export const PlanRunPayload = z.object({ planId: z.string().min(1).max(100), runId: z.string().min(1).max(100) });

// A retry (or a stalled job taken over by another worker) carries the run on from its stored state.
const options = retried(5, 2000);

export const PLAN_JOBS = {
  /** Its own queue: a run waits for its migrations for a long time and must not hold a migration worker's slot. */
  'plan.run': { queue: 'plans', payload: PlanRunPayload, options },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
