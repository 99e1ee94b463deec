import type { Services } from '../services.js';
import { migrationStatus, type MigrationStatus } from './status.js';
import { statusCacheKeys, statusGenerationKey } from './store.js';

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
/** How often this process dropped its copies of a migration's status (bounded like the copies themselves). */
const forgets = new Map<string, number>();

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
  const forgotten = forgets.get(id) ?? 0;
  const entry = await pending;
  // Kept here only if nothing dropped this process's copies while it was computed (forgetStatus).
  if ((forgets.get(id) ?? 0) === forgotten) {
    if (map.size >= LOCAL_MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, entry);
  }
  return cached(entry);
}

/**
 * Sets the shared copy only while the status's generation is the one read before it was computed: a status computed
 * while the run finished (its event dropped the cache meanwhile) is not kept for the next reader as if it were fresh.
 */
const SET_IF_GENERATION = `if (redis.call('GET', KEYS[2]) or '') == ARGV[3] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end`;

async function refresh(services: Services, id: string, errors: boolean, key: string): Promise<Entry> {
  const [shared, generation] = await services.redis.mget(key, statusGenerationKey(id));
  if (shared) return { at: Date.now(), body: shared };
  const value = await migrationStatus(services, id, { errors });
  const entry = { at: Date.now(), body: JSON.stringify(value), value };
  await services.redis.eval(SET_IF_GENERATION, 2, key, statusGenerationKey(id), entry.body, REDIS_TTL_SECONDS, generation ?? '');
  return entry;
}

/** Drops this process's copies (after a control action here, or an event seen by the SSE stream). */
export function forgetStatus(services: Services, id: string): void {
  const map = localCache(services);
  for (const key of statusCacheKeys(id)) map.delete(key);
  if (forgets.size >= LOCAL_MAX_ENTRIES && !forgets.has(id)) forgets.delete(forgets.keys().next().value as string);
  forgets.set(id, (forgets.get(id) ?? 0) + 1);
}
