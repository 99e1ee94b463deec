import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';

/** The parts of an sObject describe DMS reads; the rest of Salesforce's answer is kept as is. */
export const FieldDescribe = z.looseObject({
  name: z.string(),
  type: z.string(),
  nillable: z.boolean().default(true),
  createable: z.boolean().default(true),
  updateable: z.boolean().default(true),
  defaultedOnCreate: z.boolean().default(false),
  externalId: z.boolean().default(false),
  idLookup: z.boolean().default(false),
  length: z.number().default(0),
  relationshipName: z.string().nullable().optional(),
  referenceTo: z.array(z.string()).default([]),
});
export type FieldDescribe = z.infer<typeof FieldDescribe>;

export const ObjectDescribe = z.looseObject({ name: z.string(), keyPrefix: z.string().nullable().optional(), fields: z.array(FieldDescribe) });
export type ObjectDescribe = z.infer<typeof ObjectDescribe>;

const TTL_SECONDS = 15 * 60;
const describeKey = (connectionId: string, object: string) => `dms:describe:${connectionId}:${object.toLowerCase()}`;

/** Describe is not cached by jsforce and costs an API call: cached in Redis (shared by every process) with a TTL. */
export async function describeObject(redis: Redis, session: SalesforceSession, object: string): Promise<ObjectDescribe> {
  const key = describeKey(session.connectionId, object);
  const cached = await redis.get(key);
  if (cached) return ObjectDescribe.parse(JSON.parse(cached));
  const fresh = ObjectDescribe.parse(await sfJson(session, { method: 'GET', path: `/sobjects/${encodeURIComponent(object)}/describe` }));
  await redis.set(key, JSON.stringify(fresh), 'EX', TTL_SECONDS);
  return fresh;
}

export async function forgetDescribe(redis: Redis, connectionId: string, object: string): Promise<void> {
  await redis.del(describeKey(connectionId, object));
}
