import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { checkExport, describeLoader } from '../exports/index.js';
import { fieldByName, type DescribeSObjectResult, type Field, type Mapping } from '../mapping/index.js';
import { sessionFor } from '../salesforce/index.js';
import { orderObjects, type DeferredLookup } from './order.js';
import { OWNER_COLUMN, targetUserId } from './owners.js';
import {
  RECORD_TYPE_COLUMN, RECORD_TYPE_FIELD, byRecordTypeName, mappingByRecordTypeName, recordTypeStep, targetRecordTypes,
} from './record-types.js';
import type { ResolvedObject } from './run-model.js';
import type { PlanInput } from './plan-model.js';

export interface ResolvedPlan {
  /** Parents first. */
  objects: ResolvedObject[];
  deferred: DeferredLookup[];
}

const NOT_COPIED = new Set(['id', 'address', 'location', 'base64']);

/**
 * The fields copied when a plan object names none: the target can create them and, if lookups, they point in the plan
 * (or are RecordTypeId, copied by record type name).
 */
function defaultFields(source: DescribeSObjectResult, target: DescribeSObjectResult, planObjects: Set<string>): string[] {
  const copyable = (f: Field) => {
    const into = fieldByName(target, f.name);
    if (!into || !into.createable || into.calculated || into.autoNumber || NOT_COPIED.has(f.type)) return false;
    if (f.type !== 'reference' || f.name === RECORD_TYPE_FIELD) return true;
    return f.referenceTo.some((to) => planObjects.has(to.toLowerCase()));
  };
  return source.fields.filter(copyable).map((f) => f.name);
}

/** A source object without record types has no RecordTypeId (nor RecordType relationship) to copy. */
function checkRecordTypes(object: string, fields: string[], source: DescribeSObjectResult): void {
  const named = fields.some((f) => f.toLowerCase() === RECORD_TYPE_FIELD.toLowerCase());
  if (!named || fieldByName(source, RECORD_TYPE_FIELD)) return;
  const message = `The source's ${object} has no record types (no ${RECORD_TYPE_FIELD} field): `
    + `leave ${RECORD_TYPE_FIELD} out of its fields.`;
  throw new AppError('PLAN_FIELD_MISSING', 400, message);
}

async function describeBoth(services: Services, plan: PlanInput) {
  const [sourceOf, targetOf] = [describeLoader(services, plan.sourceConnectionId), describeLoader(services, plan.targetConnectionId)];
  return Promise.all(plan.objects.map(async (o) => {
    const [source, target] = await Promise.all([sourceOf(o.object), targetOf(o.object)]);
    const missingIn = !source ? 'source' : !target ? 'target' : undefined;
    if (!source || !target) {
      throw new AppError('PLAN_OBJECT_MISSING', 400, `The ${missingIn} org has no object ${o.object}: check its API name.`);
    }
    return { plan: o, source, target };
  }));
}

/** Refuses a mapped field the target lacks: it would fail every row of the load. */
function checkTargetFields(object: string, mapping: Mapping, target: DescribeSObjectResult): void {
  const missing = mapping.fields.filter((e) => !fieldByName(target, e.field)).map((e) => e.field);
  if (missing.length === 0) return;
  const message = `The target's ${object} has no field ${missing.join(', ')}: map it to a field it has.`;
  throw new AppError('PLAN_FIELD_MISSING', 400, message);
}

/**
 * Checks a plan against both orgs before anything runs (objects, fields, each WHERE against the source's describe)
 * and works out what a run does: the order parents first, each object's export, lookups and mapping.
 */
export async function resolvePlan(services: Services, plan: PlanInput): Promise<ResolvedPlan> {
  const described = await describeBoth(services, plan);
  const planObjects = new Map(described.map((d) => [d.target.name.toLowerCase(), d.target.name]));
  const copied = described.map(({ plan: o, source, target }) => {
    const chosen = o.fields.length > 0 ? o.fields : defaultFields(source, target, new Set(planObjects.keys()));
    checkRecordTypes(source.name, chosen, source);
    const extra = [...(o.externalIdField ? [o.externalIdField] : []), ...(o.ownerByUsername ? [OWNER_COLUMN] : [])];
    const wanted = ['Id', ...byRecordTypeName(chosen), ...extra];
    return { o, source, target, fields: [...new Map(wanted.map((f) => [f.toLowerCase(), f])).values()] };
  });
  // Only the lookups a plan copies order it: a lookup left out (Contact.ReportsToId) neither orders nor defers.
  const isCopied = (fields: string[]) => (f: Field) => fields.some((name) => name.toLowerCase() === f.name.toLowerCase());
  const { order, deferred } = orderObjects(copied.map((c) => ({ ...c.target, fields: c.target.fields.filter(isCopied(c.fields)) })));
  const withTypes = copied.filter((c) => c.fields.includes(RECORD_TYPE_COLUMN)).map((c) => c.target.name);
  const recordTypes = withTypes.length > 0
    ? await targetRecordTypes(await sessionFor(services, plan.targetConnectionId), withTypes)
    : new Map<string, Record<string, string>>();
  const resolved = new Map<string, ResolvedObject>();
  for (const { o, source, target, fields } of copied) {
    const name = target.name;
    const checked = await checkExport(services, {
      connectionId: plan.sourceConnectionId, object: name, fields, where: o.where, orderBy: 'Id',
    });
    const own = deferred.filter((d) => d.object === name);
    const isDeferred = (field: string) => own.some((d) => d.field.toLowerCase() === field.toLowerCase());
    const lookups = source.fields.filter(isCopied(checked.columns)).flatMap((f) => {
      const to = f.type === 'reference' ? f.referenceTo.map((t) => planObjects.get(t.toLowerCase())).find(Boolean) : undefined;
      return to && !isDeferred(f.name) ? [{ column: f.name, object: to }] : [];
    });
    const defaultOwnerId = o.defaultOwner
      ? await targetUserId(await sessionFor(services, plan.targetConnectionId), o.defaultOwner)
      : undefined;
    const fieldOf = (c: string) => (c === OWNER_COLUMN ? 'OwnerId' : c === RECORD_TYPE_COLUMN ? RECORD_TYPE_FIELD : c);
    const mapping = o.mapping ? mappingByRecordTypeName(o.mapping) : {
      object: name, relationships: [],
      fields: checked.columns.filter((c) => c !== 'Id').map((c) => ({ column: c, field: fieldOf(c) })),
      // A default owner without owners by name owns every record.
      constants: defaultOwnerId && !o.ownerByUsername ? [{ field: 'OwnerId', value: defaultOwnerId }] : [],
    };
    checkTargetFields(name, mapping, target);
    // Record types by name, after the plan's own steps (which may rename a developer name the target calls otherwise).
    const types = recordTypes.get(name.toLowerCase());
    const pipeline = types ? [...o.pipeline, recordTypeStep(name, types)] : o.pipeline;
    resolved.set(name, {
      object: name, exportFields: checked.columns, where: o.where, lookups, deferred: own,
      loadMapping: { ...mapping, object: name, fields: mapping.fields.filter((e) => !isDeferred(e.field)) },
      pipeline, operation: o.operation, externalIdField: o.externalIdField,
      owners: o.ownerByUsername ? { column: OWNER_COLUMN, defaultOwnerId } : undefined,
    });
  }
  return { objects: order.map((n) => resolved.get(n) as ResolvedObject), deferred };
}
