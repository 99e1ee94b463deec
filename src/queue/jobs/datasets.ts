import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { retried } from './options.js';

/** `run` is the dataset's parseRun when enqueued: a job from an older run sees it is superseded and stops. */
export const DatasetParsePayload = z.object({
  datasetId: z.string().min(1).max(100),
  run: z.number().int().nonnegative().default(0),
});

/** An export's run: the dataset's parseRun when enqueued (an export run again is a new job). */
export const DatasetExportPayload = DatasetParsePayload;

const datasetJobOptions = retried(3, 5000);

export const DATASET_JOBS = {
  'dataset.parse': {
    queue: 'datasets',
    payload: DatasetParsePayload,
    // Reader errors fail the dataset at once; retries cover a store or worker that went away.
    options: datasetJobOptions,
  },
  /** An export from Salesforce into a dataset; the parser process drains it (no heap cap, as parses). */
  'dataset.export': {
    queue: 'datasets',
    payload: DatasetExportPayload,
    // A query Salesforce refuses fails the dataset at once; retries cover a worker or an org that went away.
    options: datasetJobOptions,
  },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
