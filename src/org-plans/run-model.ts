import { z } from 'zod';
import { Pipeline } from '../frame/index.js';
import { Mapping } from '../mapping/index.js';

const Lookup = z.object({ column: z.string(), object: z.string() });
const Deferred = z.object({ object: z.string(), field: z.string(), references: z.string() });

/** One plan object as a run carries it out, worked out and checked once when the run is requested. */
export const ResolvedObject = z.object({
  object: z.string(),
  /** Id first, then the copied fields (the external id field included). */
  exportFields: z.array(z.string()),
  where: z.string().optional(),
  /** Lookups to plan objects loaded before this one: rewritten through the Id map before the load. */
  lookups: z.array(Lookup),
  /** Lookups written by the second pass (self-lookups, cycles); left out of the load. */
  deferred: z.array(Deferred),
  loadMapping: Mapping,
  pipeline: Pipeline,
  operation: z.enum(['insert', 'upsert']),
  externalIdField: z.string().optional(),
  /** Owners by user name: the export's `Owner.Username` column rewritten to target user Ids (or the default owner). */
  owners: z.object({ column: z.string(), defaultOwnerId: z.string().optional() }).optional(),
});
export type ResolvedObject = z.infer<typeof ResolvedObject>;

export const StepStatus = z.enum(['pending', 'exporting', 'remapping', 'writing', 'mapping', 'done', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

/**
 * One step of a run: an object's load (export, lookups rewritten, migration, Id map) or its second pass (the deferred
 * lookups set by an update). The ids are stored as soon as each piece exists, so a resumed run picks them up.
 */
export const PlanStep = z.object({
  object: z.string(),
  pass: z.enum(['load', 'lookups']),
  status: StepStatus,
  exportId: z.string().optional(),
  datasetId: z.string().optional(),
  migrationId: z.string().optional(),
  validationId: z.string().optional(),
  unmapped: z.array(z.object({ column: z.string(), count: z.number().int(), examples: z.array(z.string()) })).default([]),
  totals: z.object({ rows: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }).optional(),
  /** Dry run: rows the validation found invalid. */
  invalid: z.number().int().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const RunState = z.enum(['queued', 'running', 'completed', 'failed', 'rolling_back', 'rolled_back']);
export type RunState = z.infer<typeof RunState>;

/** One run of a plan version, in the `migrations` database as `planrun:<planId>:<runId>`. */
export const PlanRunDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('planrun'),
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int(),
  planName: z.string(),
  sourceConnectionId: z.string(),
  targetConnectionId: z.string(),
  dryRun: z.boolean(),
  state: RunState,
  objects: z.array(ResolvedObject),
  steps: z.array(PlanStep),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type PlanRunDoc = z.infer<typeof PlanRunDoc>;

export const RunRequest = z.object({
  dryRun: z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean()).default(false),
  version: z.coerce.number().int().positive().optional(),
});

export const runUrls = (planId: string, runId: string) => ({
  self: `/api/v1/plans/${planId}/runs/${runId}`,
  rollback: `/api/v1/plans/${planId}/runs/${runId}/rollback`,
  page: `/plans/${planId}/runs/${runId}`,
});

const migrationUrls = (id: string) => ({
  page: `/migrations/${id}`,
  success: `/api/v1/migrations/${id}/results/success.csv`,
  errors: `/api/v1/migrations/${id}/results/errors.csv`,
});

/** The API view: each step with the links of its migration (live page, success and error files). */
export function presentRun(doc: PlanRunDoc) {
  const { _id: _ignoredId, _rev: _ignoredRev, kind: _kind, runId, objects: _objects, steps, ...rest } = doc;
  const withLinks = steps.map((s) => ({ ...s, urls: s.migrationId ? migrationUrls(s.migrationId) : undefined }));
  return { id: runId, ...rest, steps: withLinks, urls: runUrls(doc.planId, runId) };
}
