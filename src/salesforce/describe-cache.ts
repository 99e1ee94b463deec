import { DescribeSObjectResult } from '../mapping/index.js';
import type { Redis } from 'ioredis';
import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';

const TTL_SECONDS = 15 * 60;
const describeKey = (connectionId: string, object: string) => `dms:describe:${connectionId}:${object.toLowerCase()}`;

/**
 * Describe is not cached by jsforce and costs an API call: cached in Redis (shared by every process) with a TTL. The
 * entry names the org it came from, so a connection pointed at another org (edited, or a test's fresh Local org under
 * the same connection id) never reads the first org's describe.
 */
export async function describeObject(redis: Redis, session: SalesforceSession, object: string): Promise<DescribeSObjectResult> {
  const key = describeKey(session.connectionId, object);
  const org = session.conn.instanceUrl;
  const cached = await redis.get(key);
  if (cached) {
    const entry = JSON.parse(cached) as { org?: string; describe?: unknown };
    if (entry.org === org) return DescribeSObjectResult.parse(entry.describe);
  }
  const fresh = DescribeSObjectResult.parse(await sfJson(session, { method: 'GET', path: `/sobjects/${encodeURIComponent(object)}/describe` }));
  await redis.set(key, JSON.stringify({ org, describe: fresh }), 'EX', TTL_SECONDS);
  return fresh;
}

export async function forgetDescribe(redis: Redis, connectionId: string, object: string): Promise<void> {
  await redis.del(describeKey(connectionId, object));
}
