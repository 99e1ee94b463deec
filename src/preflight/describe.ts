import { z } from 'zod';
import type { Services } from '../services.js';
import { describeObject, sessionFor, sfJson } from '../salesforce/index.js';
import { fieldByName, type DescribeSObjectResult, type Mapping } from '../mapping/index.js';

export interface DescribeContext {
  describe: DescribeSObjectResult;
  /** Describes of the parents that relationship entries point to, by object name. */
  parents: Record<string, DescribeSObjectResult>;
  /** Key prefix -> object name (from describeGlobal), so a lookup id of another object is caught. */
  keyPrefixes: Record<string, string>;
}

const GLOBAL_TTL_SECONDS = 15 * 60;
const DescribeGlobal = z.object({ sobjects: z.array(z.looseObject({ name: z.string(), keyPrefix: z.string().nullish() })) });

/** describeGlobal's key prefixes, cached in Redis like describe (one API call per connection per TTL). */
async function keyPrefixes(services: Services, connectionId: string): Promise<Record<string, string>> {
  const key = `dms:describe-global:${connectionId}:prefixes`;
  const cached = await services.redis.get(key);
  if (cached) return JSON.parse(cached) as Record<string, string>;
  const session = await sessionFor(services, connectionId);
  const global = DescribeGlobal.parse(await sfJson(session, { method: 'GET', path: '/sobjects' }));
  const prefixes: Record<string, string> = {};
  for (const o of global.sobjects) if (o.keyPrefix && !(o.keyPrefix in prefixes)) prefixes[o.keyPrefix] = o.name;
  await services.redis.set(key, JSON.stringify(prefixes), 'EX', GLOBAL_TTL_SECONDS);
  return prefixes;
}

/** The object's describe (Redis-cached by the salesforce room). */
export async function describeFor(services: Services, connectionId: string, object: string): Promise<DescribeSObjectResult> {
  return describeObject(services.redis, await sessionFor(services, connectionId), object);
}

/** Everything validation needs to know about the target: the object, its relationship parents, the org's key prefixes. */
export async function describeContext(services: Services, connectionId: string, object: string, mapping: Mapping): Promise<DescribeContext> {
  const describe = await describeFor(services, connectionId, object);
  const parents: Record<string, DescribeSObjectResult> = {};
  for (const entry of mapping.relationships) {
    const target = fieldByName(describe, entry.field)?.referenceTo[0];
    if (target && !parents[target]) parents[target] = await describeFor(services, connectionId, target);
  }
  return { describe, parents, keyPrefixes: await keyPrefixes(services, connectionId) };
}
