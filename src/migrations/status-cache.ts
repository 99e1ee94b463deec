import type { Services } from '../services.js';
import { migrationStatus, type MigrationStatus } from './status.js';
import { statusCacheKeys, statusGenerationKey } from './store.js';

/**
 * The live view is polled by many browsers at once, so its JSON is cached in Redis for a few seconds, shared by every
 * web instance. Every change to what it shows (a saved migration document, a progress event) drops the copy and moves
 * the status's generation on (dropCachedStatus), in the same MULTI. A reader asks for the copy and the generation in one
 * round trip; a status it computes is stored only if the generation is still the one it read, so a status computed
 * while the run moved on is never served after the change. (A copy kept in the process as well went stale whenever
 * the change came from another process: a page rendered as a 2-row run started was served again, "queued", after the
 * run had completed.)
 */
const REDIS_TTL_SECONDS = 3;

interface Entry { body: string; generation: string; value?: MigrationStatus }
/** One computation in flight per status and generation in this process: a burst of requests costs one CouchDB read. */
const refreshing = new Map<string, Promise<Entry>>();

export const statusCacheKey = (id: string, errors: boolean): string => statusCacheKeys(id)[errors ? 1 : 0];

export interface CachedStatus {
  /** The serialized status, ready to send. */
  body: string;
  /** The same status as an object (parsed once). */
  value(): MigrationStatus;
  /**
   * Where the status's generation is kept and the one this status is of: what a copy of a response made from it
   * (the response cache's) checks before it is sent again.
   */
  version: { key: string; value: string };
}

function cached(id: string, entry: Entry): CachedStatus {
  return {
    body: entry.body,
    value: () => (entry.value ??= JSON.parse(entry.body) as MigrationStatus),
    version: { key: statusGenerationKey(id), value: entry.generation },
  };
}

/** The status JSON of one migration, as of the latest change; `errors` adds the grouped failures. */
export async function statusBody(services: Services, id: string, options: { errors?: boolean } = {}): Promise<CachedStatus> {
  const errors = options.errors === true;
  const key = statusCacheKey(id, errors);
  const [shared, current] = await services.redis.mget(key, statusGenerationKey(id));
  const generation = current ?? '';
  if (shared) return cached(id, { body: shared, generation });
  const flight = `${key}@${generation}`;
  let pending = refreshing.get(flight);
  if (!pending) {
    pending = refresh(services, id, errors, generation).finally(() => refreshing.delete(flight));
    refreshing.set(flight, pending);
  }
  return cached(id, await pending);
}

/** Sets the shared copy only while the status's generation is the one read before it was computed. */
const SET_IF_GENERATION = `if (redis.call('GET', KEYS[2]) or '') == ARGV[3] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end`;

async function refresh(services: Services, id: string, errors: boolean, generation: string): Promise<Entry> {
  const value = await migrationStatus(services, id, { errors });
  const entry = { body: JSON.stringify(value), generation, value };
  await services.redis.eval(SET_IF_GENERATION, 2, statusCacheKey(id, errors), statusGenerationKey(id), entry.body, REDIS_TTL_SECONDS, generation);
  return entry;
}
