import type { Job } from 'bullmq';

/** This try is the job's last: a failure now is final, so the work records why it stopped instead of staying running. */
export const isLastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
