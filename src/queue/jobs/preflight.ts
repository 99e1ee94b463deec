import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { retried } from './options.js';

/** The dry run of one validation; the job id is the validation id, so enqueueing twice is harmless. */
export const ValidationRunPayload = z.object({ validationId: z.string().min(1).max(100) });

// A retry starts the run again from the first chunk (the report is rebuilt, the dedupe sets cleared).
const options = retried(3, 5000);

export const PREFLIGHT_JOBS = {
  'validation.run': { queue: 'validations', payload: ValidationRunPayload, options },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
