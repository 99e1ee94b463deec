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
/** One refresh in flight per key and process: a burst of requests on a cold cache costs one CouchDB read. */
const refreshing = new Map<string, Promise<Entry>>();

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
  let pending = refreshing.get(key);
  if (!pending) {
    pending = refresh(services, id, errors, key).finally(() => refreshing.delete(key));
    refreshing.set(key, pending);
  }
  const entry = await pending;
  if (map.size >= LOCAL_MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, entry);
  return cached(entry);
}

async function refresh(services: Services, id: string, errors: boolean, key: string): Promise<Entry> {
  const shared = await services.redis.get(key);
  if (shared) return { at: Date.now(), body: shared };
  const value = await migrationStatus(services, id, { errors });
  const entry = { at: Date.now(), body: JSON.stringify(value), value };
  await services.redis.set(key, entry.body, 'EX', REDIS_TTL_SECONDS);
  return entry;
}

/** Drops this process's copies (after a control action here, or an event seen by the SSE stream). */
export function forgetStatus(services: Services, id: string): void {
  const map = localCache(services);
  for (const key of statusCacheKeys(id)) map.delete(key);
}
