import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { getDataset, type DatasetDoc } from '../datasets/index.js';
import { createExport } from '../exports/index.js';
import {
  FINISHED_STATES, MigrationOptions, createMigration, getMigration, startMigration, type MigrationDoc, type MigrationRequest,
} from '../migrations/index.js';
import { createValidation, getValidation, type ValidationDoc } from '../preflight/index.js';
import { sessionFor } from '../salesforce/index.js';
import { mapMigrationOutcomes } from './map-outcomes.js';
import { OwnerResolver } from './owners.js';
import { remapLookups } from './remap.js';
import type { PlanRunDoc, PlanStep, ResolvedObject } from './run-model.js';

const POLL_MS = 250;

/** Polls until `done` holds for what `read` returns (a job keeps its lock meanwhile; a restart polls again). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await sleep(POLL_MS);
  }
}

/** Saves a change to the step being worked on; returns the step as stored. */
export type SaveStep = (patch: Partial<PlanStep>) => Promise<PlanStep>;

export interface StepContext {
  services: Services;
  run: PlanRunDoc;
  step: PlanStep;
  save: SaveStep;
}

const objectOf = (run: PlanRunDoc, name: string): ResolvedObject => {
  const found = run.objects.find((o) => o.object === name);
  if (!found) throw new AppError('PLAN_RUN_INVALID', 500, `Run ${run.runId} has no object ${name}.`);
  return found;
};

const stepFailure = (code: string, message: string) => new AppError(code, 409, message);

async function exported(ctx: StepContext, object: ResolvedObject): Promise<DatasetDoc> {
  let { step } = ctx;
  if (!step.exportId) {
    const request = {
      connectionId: ctx.run.sourceConnectionId, name: `${ctx.run.planName}: ${object.object}`, object: object.object,
      fields: object.exportFields, where: object.where, orderBy: 'Id',
    };
    const doc = await createExport(ctx.services, request, ctx.run.createdBy);
    step = await ctx.save({ status: 'exporting', exportId: doc._id });
  }
  const id = step.exportId as string;
  const doc = await waitFor(() => getDataset(ctx.services.store, id), (d) => d.status === 'ready' || d.status === 'failed');
  if (doc.status !== 'failed') return doc;
  const message = `The export of ${object.object} failed: ${doc.error?.message ?? 'see its dataset'}.`;
  throw stepFailure('PLAN_EXPORT_FAILED', message);
}

/** Starts the migration the step stored (or creates it first) and waits for its end. */
async function migrated(ctx: StepContext, request: MigrationRequest): Promise<MigrationDoc> {
  let { step } = ctx;
  if (!step.migrationId) {
    const doc = await createMigration(ctx.services, request, ctx.run.createdBy);
    step = await ctx.save({ status: 'writing', migrationId: doc._id });
  }
  const id = step.migrationId as string;
  if ((await getMigration(ctx.services, id)).state === 'created') await startMigration(ctx.services, id, ctx.run.createdBy);
  const doc = await waitFor(() => getMigration(ctx.services, id), (m) => FINISHED_STATES.has(m.state));
  await ctx.save({ totals: { rows: doc.totals.rows, succeeded: doc.totals.succeeded, failed: doc.totals.failed } });
  if (doc.state === 'completed') return doc;
  throw stepFailure('PLAN_MIGRATION_FAILED', `The migration of ${request.object} ended ${doc.state}: see its page.`);
}

async function validated(ctx: StepContext, object: ResolvedObject, datasetId: string): Promise<ValidationDoc> {
  let { step } = ctx;
  if (!step.validationId) {
    const request = {
      datasetId, connectionId: ctx.run.targetConnectionId, object: object.object, operation: object.operation,
      externalIdField: object.externalIdField, mapping: object.loadMapping, pipeline: object.pipeline,
    };
    const doc = await createValidation(ctx.services, request, ctx.run.createdBy);
    step = await ctx.save({ status: 'writing', validationId: doc._id });
  }
  const id = step.validationId as string;
  const doc = await waitFor(() => getValidation(ctx.services.store, id), (v) => v.status === 'done' || v.status === 'failed');
  if (doc.status !== 'failed') return doc;
  throw stepFailure('PLAN_VALIDATION_FAILED', `The dry run of ${object.object} failed: ${doc.error?.message ?? ''}`);
}

/**
 * The export with its lookups rewritten through the Id map (not in a dry run: nothing was written, the map is empty)
 * and its owners by user name; the export itself when there is nothing to rewrite.
 */
async function rewritten(ctx: StepContext, object: ResolvedObject, source: DatasetDoc): Promise<PlanStep> {
  if (ctx.step.datasetId) return ctx.step;
  await ctx.save({ status: 'remapping' });
  const lookups = ctx.run.dryRun ? [] : object.lookups;
  const session = object.owners ? await sessionFor(ctx.services, ctx.run.targetConnectionId) : undefined;
  const owners = object.owners && session
    ? [{ column: object.owners.column, resolver: new OwnerResolver(session, object.owners.defaultOwnerId) }]
    : [];
  if (lookups.length + owners.length === 0) return ctx.save({ datasetId: source._id });
  const remapped = await remapLookups(ctx.services.store, ctx.run.runId, source, lookups, owners);
  return ctx.save({ datasetId: remapped.dataset._id, unmapped: remapped.unmapped });
}

/**
 * An object's load: its export from the source (Id order), its lookups rewritten through the Id map, its migration
 * into the target (a dry run validates instead and writes nothing), then its own Id map from the outcomes.
 */
export async function loadStep(ctx: StepContext): Promise<void> {
  const object = objectOf(ctx.run, ctx.step.object);
  const step = await rewritten(ctx, object, await exported(ctx, object));
  if (ctx.run.dryRun) {
    const validation = await validated({ ...ctx, step }, object, step.datasetId as string);
    await ctx.save({ status: 'done', invalid: validation.report?.invalid ?? 0 });
    return;
  }
  const request: MigrationRequest = {
    name: `${ctx.run.planName}: ${object.object}`, datasetId: step.datasetId as string,
    template: { mapping: object.loadMapping, pipeline: object.pipeline }, connectionId: ctx.run.targetConnectionId,
    object: object.object, operation: object.operation, externalIdField: object.externalIdField,
    options: MigrationOptions.parse({}),
  };
  const migration = await migrated({ ...ctx, step }, request);
  await ctx.save({ status: 'mapping' });
  await mapMigrationOutcomes(ctx.services, ctx.run.runId, object.object, migration._id);
  await ctx.save({ status: 'done' });
}

/**
 * The second pass of an object's deferred lookups (a self-lookup such as Account.ParentId, or one that breaks a
 * cycle): its export with the Id and those lookups rewritten through the Id map, loaded as an update. Rows without a
 * target Id or without any of the lookups are skipped by a filter step.
 */
export async function lookupsStep(ctx: StepContext): Promise<void> {
  if (ctx.run.dryRun) {
    await ctx.save({ status: 'skipped' });
    return;
  }
  const object = objectOf(ctx.run, ctx.step.object);
  const load = ctx.run.steps.find((s) => s.pass === 'load' && s.object === object.object);
  if (!load?.exportId) throw stepFailure('PLAN_RUN_INVALID', `${object.object} has no export to take its lookups from.`);
  let step = ctx.step;
  if (!step.datasetId) {
    await ctx.save({ status: 'remapping' });
    const deferred = object.deferred.map((d) => ({ column: d.field, object: d.references }));
    const lookups = [{ column: 'Id', object: object.object }, ...deferred];
    const source = await getDataset(ctx.services.store, load.exportId);
    const remapped = await remapLookups(ctx.services.store, ctx.run.runId, source, lookups);
    step = await ctx.save({ datasetId: remapped.dataset._id, unmapped: remapped.unmapped.filter((u) => u.column !== 'Id') });
  }
  const fields = object.deferred.map((d) => d.field);
  const anyLookup = fields.map((f) => `not isnull([${f}])`).join(' or ');
  const request: MigrationRequest = {
    name: `${ctx.run.planName}: ${object.object} lookups (${fields.join(', ')})`, datasetId: step.datasetId as string,
    template: {
      mapping: {
        object: object.object, fields: ['Id', ...fields].map((f) => ({ column: f, field: f })), relationships: [], constants: [],
      },
      pipeline: [{ op: 'filter', expression: `not isnull([Id]) and (${anyLookup})` }],
    },
    connectionId: ctx.run.targetConnectionId, object: object.object, operation: 'update',
    options: MigrationOptions.parse({}),
  };
  await migrated({ ...ctx, step }, request);
  await ctx.save({ status: 'done' });
}
