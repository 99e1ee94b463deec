import { AppError } from '../errors.js';
import { isRequiredOnInsert, type DescribeSObjectResult, type Field } from '../mapping/index.js';

/** A lookup written in a second pass (an update once both ends exist): a self-lookup, or one that breaks a cycle. */
export interface DeferredLookup {
  object: string;
  field: string;
  references: string;
}

export interface PlanOrder {
  /** The objects parents first: each one's lookups to plan objects point to objects before it (or are deferred). */
  order: string[];
  deferred: DeferredLookup[];
}

/** The plan objects a field points to (a polymorphic lookup may point to several). */
const targetsIn = (field: Field, names: Map<string, string>): string[] => {
  if (field.type !== 'reference') return [];
  return field.referenceTo.map((t) => names.get(t.toLowerCase())).filter((t): t is string => t !== undefined);
};

/**
 * Orders a plan's objects by their lookups from describe, parents first (ties keep the order given). A self-lookup
 * (Account.ParentId) is deferred to a second pass; a cycle (A -> B -> A) is broken at the first object in the given
 * order whose lookups into the cycle may be empty on insert, and those lookups are deferred. A cycle held only by
 * lookups required on insert cannot be loaded and is refused.
 */
export function orderObjects(describes: DescribeSObjectResult[]): PlanOrder {
  const names = new Map(describes.map((d) => [d.name.toLowerCase(), d.name]));
  const lookupsOf = (d: DescribeSObjectResult) =>
    d.fields.flatMap((f) => targetsIn(f, names).map((to) => ({ field: f, to })));
  const lookups = new Map(describes.map((d) => [d.name, lookupsOf(d)]));
  const deferred: DeferredLookup[] = [];
  const isDeferred = (name: string, field: Field) => deferred.some((x) => x.object === name && x.field === field.name);
  for (const d of describes) {
    for (const { field, to } of lookups.get(d.name) ?? []) {
      if (to === d.name) deferred.push({ object: d.name, field: field.name, references: to });
    }
  }
  const order: string[] = [];
  const placed = new Set<string>();
  const waitingOn = (name: string) =>
    (lookups.get(name) ?? []).filter(({ field, to }) => to !== name && !placed.has(to) && !isDeferred(name, field));
  while (order.length < describes.length) {
    const remaining = describes.map((d) => d.name).filter((n) => !placed.has(n));
    const ready = remaining.find((n) => waitingOn(n).length === 0);
    if (ready) {
      order.push(ready);
      placed.add(ready);
      continue;
    }
    const breakable = remaining.find((n) => waitingOn(n).every(({ field }) => !isRequiredOnInsert(field)));
    if (!breakable) {
      const cycle = remaining.map((n) => `${n} (${waitingOn(n).map((l) => `${l.field.name} -> ${l.to}`).join(', ')})`);
      const message = 'These objects point at each other through lookups required on insert, so none can be loaded '
        + `first: ${cycle.join('; ')}.`;
      throw new AppError('PLAN_CYCLE_REQUIRED', 400, message);
    }
    for (const { field, to } of waitingOn(breakable)) {
      deferred.push({ object: breakable, field: field.name, references: to });
    }
  }
  return { order, deferred };
}
