import type { Services } from '../services.js';
import type { MigrationDoc, Totals } from './model.js';
import { addTotals, } from './outcomes.js';
import { emptyTotals } from './model.js';
import { dropCachedStatus } from './store.js';
import { noteProgress } from './stall.js';

/** Live progress travels through Redis; the durable totals are the batch documents in CouchDB. */
export const eventsChannel = (id: string) => `dms:migrations:${id}:events`;
const batchesKey = (id: string) => `dms:migration:${id}:batches`;

export interface BatchProgress {
  batch: number;
  state: string;
  totals: Totals;
  /** Salesforce side: the Bulk job's state, or `collections`. */
  salesforce?: string;
  jobId?: string;
}

export type MigrationEvent =
  | { type: 'state'; migrationId: string; state: string; reason?: string; at: string }
  | { type: 'batch'; migrationId: string; progress: BatchProgress; at: string }
  | { type: 'budget'; migrationId: string; remaining: number; max: number; at: string };

export async function publish(services: Services, event: MigrationEvent): Promise<void> {
  await dropCachedStatus(services.redis.multi(), event.migrationId).publish(eventsChannel(event.migrationId), JSON.stringify(event)).exec();
}

/** Records one batch's latest figures (idempotent: a re-run batch overwrites its own entry) and tells listeners. */
export async function reportBatch(services: Services, migrationId: string, progress: BatchProgress): Promise<void> {
  await services.redis.multi().hset(batchesKey(migrationId), String(progress.batch), JSON.stringify(progress)).expire(batchesKey(migrationId), 30 * 24 * 3600).exec();
  await noteProgress(services, migrationId);
  await publish(services, { type: 'batch', migrationId, progress, at: new Date().toISOString() });
}

export async function batchProgress(services: Services, migrationId: string): Promise<BatchProgress[]> {
  const all = await services.redis.hgetall(batchesKey(migrationId));
  return Object.values(all).map((v) => JSON.parse(v) as BatchProgress).sort((a, b) => a.batch - b.batch);
}

export async function reportState(services: Services, doc: MigrationDoc): Promise<void> {
  await publish(services, { type: 'state', migrationId: doc._id, state: doc.state, reason: doc.pauseReason, at: new Date().toISOString() });
}

export function sumProgress(batches: BatchProgress[]): Totals {
  return batches.reduce((sum, b) => addTotals(sum, b.totals), emptyTotals());
}

export async function clearProgress(services: Services, migrationId: string): Promise<void> {
  await services.redis.del(batchesKey(migrationId));
}
