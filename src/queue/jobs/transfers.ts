import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

/** One run of a transfer: `run` is the transfer's run when enqueued (a resume starts a new one). */
export const TransferRunPayload = z.object({ transferId: z.string().min(1).max(100), run: z.number().int().nonnegative() });

/** Its dead letters sent again (after a fix); `requestedAt` names the request; `keys` limits it to those letters. */
export const TransferRetryPayload = z.object({
  transferId: z.string().min(1).max(100), requestedAt: z.string(), keys: z.array(z.string()).max(1000).optional(),
});

const bounded = { removeOnComplete: { age: 7 * 24 * 3600, count: 5000 }, removeOnFail: { age: 30 * 24 * 3600, count: 20000 } };

export const TRANSFER_JOBS = {
  // A worker that dies mid-run leaves the job stalled: another takes it over and reads the unacknowledged batch again.
  'transfer.run': {
    queue: 'transfers', payload: TransferRunPayload, options: { ...bounded, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
  },
  'transfer.retry': {
    queue: 'transfers', payload: TransferRetryPayload, options: { ...bounded, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
  },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
