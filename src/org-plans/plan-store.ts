import type { Store } from '../store/index.js';
import { idRange, withRetry, writeOnConflict, sortableId } from '../store/index.js';
import { notFound } from '../errors.js';
import { PlanDoc, type PlanInput } from './plan-model.js';

/*
 * Plans live in the `templates` database (they are templates of several objects) with ids
 * `plan:<planId>:<version, 6 digits>`: `_all_docs` ranges list a plan's versions in order without an index. A saved
 * version never changes; saving again writes the next one, and a run keeps the version it ran.
 */
const db = (store: Store) => store.db<PlanDoc>('templates');
const PREFIX = 'plan:';
const docId = (planId: string, version: number) => `${PREFIX}${planId}:${String(version).padStart(6, '0')}`;

export const newPlanId = () => sortableId('plan', 3);

async function range(store: Store, startkey: string, endkey: string, options: { descending?: boolean; limit?: number }) {
  await store.client.authorize();
  const query = { startkey, endkey, include_docs: true, descending: options.descending ?? false, limit: options.limit ?? 10_000 };
  const page = await withRetry(() => db(store).list(query));
  return page.rows.flatMap((row) => (row.doc ? [PlanDoc.parse(row.doc)] : []));
}

/** A plan's newest version, or the one asked for; 404 when absent. */
export async function getPlan(store: Store, planId: string, version?: number): Promise<PlanDoc> {
  const versions = idRange(`${PREFIX}${planId}:`);
  const [doc] = version === undefined
    ? await range(store, versions.end, versions.start, { descending: true, limit: 1 })
    : await range(store, docId(planId, version), docId(planId, version), {});
  if (!doc) throw notFound(version === undefined ? `Plan ${planId}` : `Version ${version} of plan ${planId}`);
  return doc;
}

/** The newest version of every plan, newest plan first. */
export async function listPlans(store: Store): Promise<PlanDoc[]> {
  const latest = new Map<string, PlanDoc>();
  const plans = idRange(PREFIX);
  for (const doc of await range(store, plans.start, plans.end, {})) latest.set(doc.planId, doc);
  return [...latest.values()].sort((a, b) => (a.planId < b.planId ? 1 : -1));
}

/** Saves version 1 of a new plan, or the next version of `planId`; two saves at once get consecutive versions. */
export async function savePlan(store: Store, input: PlanInput, createdBy: string, planId?: string): Promise<PlanDoc> {
  const id = planId ?? newPlanId();
  return writeOnConflict(async (): Promise<PlanDoc> => {
    const version = planId === undefined ? 1 : (await getPlan(store, id)).version + 1;
    return { ...input, _id: docId(id, version), kind: 'plan', planId: id, version, createdBy, createdAt: new Date().toISOString() };
  }, (doc) => db(store).insert(doc));
}
