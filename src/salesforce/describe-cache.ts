import { DescribeSObjectResult } from '../mapping/index.js';
import type { Redis } from 'ioredis';
import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';

const TTL_SECONDS = 15 * 60;
const describeKey = (connectionId: string, object: string) => `dms:describe:${connectionId}:${object.toLowerCase()}`;

/** Describe is not cached by jsforce and costs an API call: cached in Redis (shared by every process) with a TTL. */
export async function describeObject(redis: Redis, session: SalesforceSession, object: string): Promise<DescribeSObjectResult> {
  const key = describeKey(session.connectionId, object);
  const cached = await redis.get(key);
  // A cached value that is not a describe (written by another version sharing the Redis) is fetched again.
  const parsed = cached ? DescribeSObjectResult.safeParse(JSON.parse(cached)) : undefined;
  if (parsed?.success) return parsed.data;
  const fresh = DescribeSObjectResult.parse(await sfJson(session, { method: 'GET', path: `/sobjects/${encodeURIComponent(object)}/describe` }));
  await redis.set(key, JSON.stringify(fresh), 'EX', TTL_SECONDS);
  return fresh;
}

export async function forgetDescribe(redis: Redis, connectionId: string, object: string): Promise<void> {
  await redis.del(describeKey(connectionId, object));
}
