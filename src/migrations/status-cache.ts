import type { Services } from '../services.js';
import { migrationStatus, type MigrationStatus } from './status.js';
import { statusCacheKeys } from './store.js';

/**
 * The live view is polled by many browsers at once, so its JSON is cached twice: in Redis for a few
 * seconds (shared by every web instance; progress events and document saves delete it) and in this
 * process for half a second (no round trip at all for the hot path).
 */
const REDIS_TTL_SECONDS = 3;
const LOCAL_TTL_MS = 500;
const LOCAL_MAX_ENTRIES = 1000;

interface Entry { at: number; body: string; value?: MigrationStatus }
const locals = new WeakMap<Services, Map<string, Entry>>();

export const statusCacheKey = (id: string, errors: boolean): string => statusCacheKeys(id)[errors ? 1 : 0];

function localCache(services: Services): Map<string, Entry> {
  let map = locals.get(services);
  if (!map) locals.set(services, (map = new Map()));
  return map;
}

export interface CachedStatus {
  /** The serialized status, ready to send. */
  body: string;
  /** The same status as an object (parsed once per cache entry). */
  value(): MigrationStatus;
}

function cached(entry: Entry): CachedStatus {
  return { body: entry.body, value: () => (entry.value ??= JSON.parse(entry.body) as MigrationStatus) };
}

/** The status JSON of one migration, from the nearest fresh cache; `errors` adds the grouped failures. */
export async function statusBody(services: Services, id: string, options: { errors?: boolean } = {}): Promise<CachedStatus> {
  const errors = options.errors === true;
  const key = statusCacheKey(id, errors);
  const map = localCache(services);
  const now = Date.now();
  const hit = map.get(key);
  if (hit && now - hit.at < LOCAL_TTL_MS) return cached(hit);
  let entry: Entry;
  const shared = await services.redis.get(key);
  if (shared) {
    entry = { at: now, body: shared };
  } else {
    const value = await migrationStatus(services, id, { errors });
    entry = { at: now, body: JSON.stringify(value), value };
    await services.redis.set(key, entry.body, 'EX', REDIS_TTL_SECONDS);
  }
  if (map.size >= LOCAL_MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, entry);
  return cached(entry);
}

/** Drops this process's copies (after a control action here, or an event seen by the SSE stream). */
export function forgetStatus(services: Services, id: string): void {
  const map = localCache(services);
  for (const key of statusCacheKeys(id)) map.delete(key);
}
