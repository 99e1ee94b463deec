import { createHash } from 'node:crypto';
import { DescribeSObjectResult } from '../mapping/index.js';
import type { Redis } from 'ioredis';
import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';

const TTL_SECONDS = 15 * 60;
/** One entry per connection, org and object: a connection pointed at another org reads that org's describe. */
const orgTag = (instanceUrl: string) => createHash('sha256').update(instanceUrl).digest('hex').slice(0, 16);
const describeKey = (connectionId: string, instanceUrl: string, object: string) => `dms:describe:${connectionId}:${orgTag(instanceUrl)}:${object.toLowerCase()}`;

/**
 * Describe is not cached by jsforce and costs an API call: cached in Redis (shared by every process) with a TTL, under
 * the org it came from, so a connection pointed at another org (edited, or a test's fresh Local org under the same
 * connection id) never reads the first org's describe.
 */
export async function describeObject(redis: Redis, session: SalesforceSession, object: string): Promise<DescribeSObjectResult> {
  const key = describeKey(session.connectionId, session.conn.instanceUrl, object);
  const cached = await redis.get(key);
  // A cached value that is not a describe (written by another version sharing the Redis) is fetched again.
  const parsed = cached ? DescribeSObjectResult.safeParse(JSON.parse(cached)) : undefined;
  if (parsed?.success) return parsed.data;
  const fresh = DescribeSObjectResult.parse(await sfJson(session, { method: 'GET', path: `/sobjects/${encodeURIComponent(object)}/describe` }));
  await redis.set(key, JSON.stringify(fresh), 'EX', TTL_SECONDS);
  return fresh;
}
