import { setTimeout as sleep } from 'node:timers/promises';

/** Cloudant answers 429 when a plan's rate is exceeded and nano never retries: back off and retry. */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export function couchStatus(error: unknown): number | undefined {
  const e = error as { statusCode?: number } | undefined;
  return typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

export function isConflict(error: unknown): boolean {
  return couchStatus(error) === 409;
}

export function isMissing(error: unknown): boolean {
  return couchStatus(error) === 404;
}

export async function withRetry<T>(operation: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const status = couchStatus(error);
      const network = status === undefined && (error as { code?: string })?.code !== undefined;
      if (attempt >= attempts || !(network || (status !== undefined && RETRYABLE.has(status)))) throw error;
      const base = Math.min(250 * 2 ** (attempt - 1), 8000);
      await sleep(base / 2 + Math.random() * base);
    }
  }
}
