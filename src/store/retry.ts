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

/** How nano reports a connection that failed (refused, reset, cut): a plain Error, no code, no status. */
const NANO_CONNECTION_FAILED = 'error happened in your connection';

/** A failure that may pass: the server unreachable, busy (429) or failing (5xx). */
export function isTransient(error: unknown): boolean {
  const status = couchStatus(error);
  if (status !== undefined) return RETRYABLE.has(status);
  if ((error as { code?: string })?.code !== undefined) return true;
  return String((error as Error)?.message).startsWith(NANO_CONNECTION_FAILED);
}

/** The wait before retry `attempt` (1-based): exponential from 250 ms up to 8 s, jittered. */
const backoff = (attempt: number): number => {
  const base = Math.min(250 * 2 ** (attempt - 1), 8000);
  return base / 2 + Math.random() * base;
};

export async function withRetry<T>(operation: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await sleep(backoff(attempt));
    }
  }
}

/**
 * Retries transient failures for as long as `withinMs` allows (a write that must happen, such as a dataset's end
 * state, outlasts a store that restarts). Other failures, and the last transient one, are thrown.
 */
export async function withRetryWithin<T>(withinMs: number, operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const wait = backoff(Math.min(attempt, 6));
      if (!isTransient(error) || Date.now() + wait > deadline) throw error;
      await sleep(wait);
    }
  }
}

/**
 * A store's read-change-write: writes what `build` makes from a fresh read, and builds again when another writer got
 * there first (409), up to `conflicts` times. `build` answering undefined writes nothing.
 */
export function writeOnConflict<T extends object>(build: () => Promise<T>, write: (doc: T) => Promise<{ rev: string }>, conflicts?: number): Promise<T>;
export function writeOnConflict<T extends object>(
  build: () => Promise<T | undefined>, write: (doc: T) => Promise<{ rev: string }>, conflicts?: number,
): Promise<T | undefined>;
export async function writeOnConflict<T extends object>(
  build: () => Promise<T | undefined>, write: (doc: T) => Promise<{ rev: string }>, conflicts = 10,
): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    const doc = await build();
    if (!doc) return undefined;
    try {
      const result = await withRetry(() => write(doc));
      return { ...doc, _rev: result.rev };
    } catch (error) {
      if (!isConflict(error) || attempt >= conflicts) throw error;
    }
  }
}
