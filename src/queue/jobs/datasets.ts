import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

/** `run` is the dataset's parseRun when enqueued: a job from an older run sees it is superseded and stops. */
export const DatasetParsePayload = z.object({
  datasetId: z.string().min(1).max(100),
  run: z.number().int().nonnegative().default(0),
});

export const DATASET_JOBS = {
  'dataset.parse': {
    queue: 'datasets',
    payload: DatasetParsePayload,
    // Reader errors fail the dataset at once; retries cover a store or worker that went away.
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
      removeOnFail: { age: 30 * 24 * 3600, count: 20000 },
    },
  },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
