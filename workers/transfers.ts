import { retryDeadLetters, runTransfer } from '../src/transfers/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';

/** Moves a transfer's records until its source is empty, or it is paused or stopped; the state is on its document. */
export const transferRun: Processor<'transfer.run'> = (payload, { job, services }) =>
  runTransfer(services, payload.transferId, payload.run, isLastAttempt(job));

/** Sends a transfer's dead letters again through its pipeline and target. */
export const transferRetry: Processor<'transfer.retry'> = (payload, { services }) => retryDeadLetters(services, payload.transferId, payload.keys);
