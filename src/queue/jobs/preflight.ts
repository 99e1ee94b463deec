import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

/** The dry run of one validation; the job id is the validation id, so enqueueing twice is harmless. */
export const ValidationRunPayload = z.object({ validationId: z.string().min(1).max(100) });

const options: JobsOptions = {
  // A retry starts the run again from the first chunk (the report is rebuilt, the dedupe sets cleared).
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 20000 },
};

export const PREFLIGHT_JOBS = {
  'validation.run': { queue: 'validations', payload: ValidationRunPayload, options },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
