import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { retried } from './options.js';

/** One run of a transfer: `run` is the transfer's run when enqueued (a resume starts a new one). */
export const TransferRunPayload = z.object({ transferId: z.string().min(1).max(100), run: z.number().int().nonnegative() });

/** Its dead letters sent again (after a fix); `requestedAt` names the request; `keys` limits it to those letters. */
export const TransferRetryPayload = z.object({
  transferId: z.string().min(1).max(100), requestedAt: z.string(), keys: z.array(z.string()).max(1000).optional(),
});

export const TRANSFER_JOBS = {
  // A worker that dies mid-run leaves the job stalled: another takes it over and reads the unacknowledged batch again.
  'transfer.run': { queue: 'transfers', payload: TransferRunPayload, options: retried(3, 5000) },
  'transfer.retry': { queue: 'transfers', payload: TransferRetryPayload, options: retried(3, 5000) },
} as const satisfies Record<string, { queue: string; payload: z.ZodType; options: JobsOptions }>;
