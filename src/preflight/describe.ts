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
const GlobalObject = z.object({
  name: z.string(), label: z.string().default(''), keyPrefix: z.string().nullish(),
  createable: z.boolean().default(false), updateable: z.boolean().default(false), deletable: z.boolean().default(false),
});
export type GlobalObject = z.infer<typeof GlobalObject>;
const DescribeGlobal = z.object({ sobjects: z.array(GlobalObject) });

/** describeGlobal's objects, cached in Redis like describe (one API call per connection per TTL). */
async function globalObjects(services: Services, connectionId: string): Promise<GlobalObject[]> {
  const key = `dms:describe-global:${connectionId}:objects`;
  const cached = await services.redis.get(key);
  if (cached) return JSON.parse(cached) as GlobalObject[];
  const session = await sessionFor(services, connectionId);
  const objects = DescribeGlobal.parse(await sfJson(session, { method: 'GET', path: '/sobjects' })).sobjects;
  await services.redis.set(key, JSON.stringify(objects), 'EX', GLOBAL_TTL_SECONDS);
  return objects;
}

async function keyPrefixes(services: Services, connectionId: string): Promise<Record<string, string>> {
  const prefixes: Record<string, string> = {};
  for (const o of await globalObjects(services, connectionId)) if (o.keyPrefix && !(o.keyPrefix in prefixes)) prefixes[o.keyPrefix] = o.name;
  return prefixes;
}

/** The objects DMS can write to in this org, by label: what the flow offers to pick from. */
export async function objectChoices(services: Services, connectionId: string): Promise<{ name: string; label: string }[]> {
  return (await globalObjects(services, connectionId))
    .filter((o) => o.createable || o.updateable || o.deletable)
    .map((o) => ({ name: o.name, label: o.label || o.name }))
    .sort((a, b) => a.label.localeCompare(b.label));
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
