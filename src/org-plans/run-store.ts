import type { Store } from '../store/index.js';
import { idRange, isMissing, withRetry, writeOnConflict, sortableId } from '../store/index.js';
import { notFound } from '../errors.js';
import { PlanRunDoc } from './run-model.js';

/* Runs live in the `migrations` database beside the migrations they start: `planrun:<planId>:<runId>`. */
const db = (store: Store) => store.db<PlanRunDoc>('migrations');
const docId = (planId: string, runId: string) => `planrun:${planId}:${runId}`;

export const newRunId = () => sortableId('run', 3);

export async function insertRun(store: Store, doc: Omit<PlanRunDoc, '_id'>): Promise<PlanRunDoc> {
  const stored: PlanRunDoc = { ...doc, _id: docId(doc.planId, doc.runId) };
  await store.client.authorize();
  const result = await withRetry(() => db(store).insert(stored));
  return { ...stored, _rev: result.rev };
}

export async function getRun(store: Store, planId: string, runId: string): Promise<PlanRunDoc> {
  await store.client.authorize();
  try {
    return PlanRunDoc.parse(await withRetry(() => db(store).get(docId(planId, runId))));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Run ${runId} of plan ${planId}`);
    throw error;
  }
}

/** Reads, changes and saves a run, reading again when another writer got there first. */
export async function updateRun(
  store: Store, planId: string, runId: string, change: (doc: PlanRunDoc) => PlanRunDoc,
): Promise<PlanRunDoc> {
  return writeOnConflict(
    async () => ({ ...change(await getRun(store, planId, runId)), updatedAt: new Date().toISOString() }),
    (doc) => db(store).insert(doc),
  );
}

/** A plan's runs, newest first. */
export async function listRuns(store: Store, planId: string): Promise<PlanRunDoc[]> {
  await store.client.authorize();
  const runs = idRange(`planrun:${planId}:`);
  const query = { startkey: runs.end, endkey: runs.start, descending: true, include_docs: true, limit: 100 };
  const page = await withRetry(() => db(store).list(query));
  return page.rows.flatMap((row) => (row.doc ? [PlanRunDoc.parse(row.doc)] : []));
}
