import { z } from 'zod';
import { Pipeline } from '../frame/index.js';
import { Mapping } from '../mapping/index.js';

const ApiName = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'use an API name (letters, digits, underscores)');
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** One object of a plan: what to read from the source and how to write it into the target. */
export const PlanObject = z
  .object({
    object: ApiName.max(80),
    /** Fields to copy; empty copies every field both orgs have that the target lets DMS create. */
    fields: z.array(ApiName.max(255)).max(800).default([]),
    /** A SOQL WHERE clause (without the word WHERE), checked against the source's describe before anything runs. */
    where: z.preprocess(blankToUndefined, z.string().max(20_000).optional()),
    /** Column (source field) -> target field; by default each field to the field of the same name. */
    mapping: Mapping.optional(),
    pipeline: Pipeline.default([]),
    /** Upsert matches target records by an external id field, so running the plan again updates them. */
    operation: z.enum(['insert', 'upsert']).default('insert'),
    externalIdField: z.preprocess(blankToUndefined, ApiName.max(80).optional()),
    /** Owners by `User.Username`: each record owned by the target user of its source owner's user name. */
    ownerByUsername: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()).default(false),
    /** The target user (by user name) who owns records whose owner the target lacks, or every record without the above. */
    defaultOwner: z.preprocess(blankToUndefined, z.string().trim().max(80).optional()),
  })
  .refine((o) => o.operation !== 'upsert' || o.externalIdField !== undefined, {
    message: 'upsert needs an external id field', path: ['externalIdField'],
  });
export type PlanObject = z.infer<typeof PlanObject>;

/** The body of POST /api/v1/plans and PUT /api/v1/plans/{id}. */
export const PlanInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.preprocess(blankToUndefined, z.string().max(2000).optional()),
    sourceConnectionId: z.string().trim().min(1).max(100),
    targetConnectionId: z.string().trim().min(1).max(100),
    objects: z.array(PlanObject).min(1).max(25),
  })
  .refine((p) => new Set(p.objects.map((o) => o.object.toLowerCase())).size === p.objects.length, {
    message: 'each object may appear once in a plan', path: ['objects'],
  });
export type PlanInput = z.infer<typeof PlanInput>;

/** One immutable version of a plan, in the `templates` database as `plan:<planId>:<version, 6 digits>`. */
export const PlanDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('plan'),
  planId: z.string(),
  version: z.number().int().positive(),
  name: z.string(),
  description: z.string().optional(),
  sourceConnectionId: z.string(),
  targetConnectionId: z.string(),
  objects: z.array(PlanObject),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type PlanDoc = z.infer<typeof PlanDoc>;

export const planUrls = (planId: string) => ({
  self: `/api/v1/plans/${planId}`,
  runs: `/api/v1/plans/${planId}/runs`,
  page: `/plans/${planId}`,
});

/** The API view: no CouchDB fields. */
export function presentPlan(doc: PlanDoc) {
  const { _id: _ignoredId, _rev: _ignoredRev, kind: _kind, planId, ...rest } = doc;
  return { id: planId, ...rest, urls: planUrls(planId) };
}
