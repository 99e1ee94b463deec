import type { JobsOptions } from 'bullmq';

/** Finished jobs kept a week (5,000 at most), failed ones a month (20,000): Redis stays bounded, failures stay visible. */
export const KEPT = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 20000 },
} as const satisfies JobsOptions;

/** Tried `attempts` times in all, `delayMs` before the second try and doubling after; kept as KEPT says. */
export const retried = (attempts: number, delayMs: number): JobsOptions => ({
  ...KEPT, attempts, backoff: { type: 'exponential', delay: delayMs },
});
