import { setTimeout as sleep } from 'node:timers/promises';
import { toSalesforceError } from './errors.js';

/** Exponential backoff with jitter (half fixed, half random), 0.5 s doubling up to 15 s: retries from many workers spread out. */
export function backoffMs(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 15_000);
  return base / 2 + Math.random() * (base / 2);
}

/** Tries of a call answered with a transient error (503, 502, 504, 429, a network error) before it is thrown. */
export const CALL_TRIES = 5;

export interface RetryPolicy {
  /** `any`: the call may be sent twice (a read); `rejected`: only again when Salesforce certainly did not apply it. */
  resend: 'any' | 'rejected';
  tries?: number;
}

/**
 * Calls again after a transient failure, with backoff. The org's daily limit is never retried: waiting seconds does
 * not help, the caller pauses the run instead.
 */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const tries = policy.tries ?? CALL_TRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (thrown) {
      const error = toSalesforceError(thrown);
      const retryable = error.transient && !error.dailyLimit && (policy.resend === 'any' || error.outcome === 'rejected');
      if (!retryable || attempt + 1 >= tries) throw thrown;
      await sleep(backoffMs(attempt));
    }
  }
}

/**
 * A read made through jsforce itself (e.g. `conn.identity()`): jsforce retries some 5xx answers and network errors
 * of a GET on its own, but never REQUEST_LIMIT_EXCEEDED for concurrency, nor past its own five tries; this adds the
 * engine's policy on top, as for DMS's own calls (src/salesforce/http.ts).
 */
export const readWithRetries = <T>(call: () => Promise<T>): Promise<T> => withRetries(call, { resend: 'any' });
