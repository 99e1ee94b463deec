import { z } from 'zod';
import type { Services } from '../services.js';
import type { MigrationDoc } from './model.js';
import type { BatchProgress } from './progress.js';

/**
 * What a run that makes no progress is waiting for, as far as DMS knows: a concurrency slot (its own or the org's),
 * the org's API limits, a Bulk job Salesforce has not finished, a batch job that was lost and is being revived.
 */
export const WaitReason = z.enum(['slot', 'limits', 'bulk', 'revival', 'unknown']);
export type WaitReason = z.infer<typeof WaitReason>;

/** A running migration without progress for MIGRATION_STALLED_AFTER_MS. */
export const Stall = z.object({ since: z.string(), reason: WaitReason });
export type Stall = z.infer<typeof Stall>;

const progressAtKey = (id: string) => `dms:migration:${id}:progress-at`;
const waitKey = (id: string) => `dms:migration:${id}:wait`;
const KEEP_SECONDS = 30 * 24 * 3600;
/** Bulk states in which Salesforce still has to process the job. */
const BULK_OPEN = new Set(['Open', 'UploadComplete', 'InProgress']);

/** Called with every progress report of a batch. */
export async function noteProgress(services: Services, migrationId: string): Promise<void> {
  await services.redis.set(progressAtKey(migrationId), String(Date.now()), 'EX', KEEP_SECONDS);
}

/** A batch had to wait (no slot, limits, revived): remembered so a stalled run can say why. */
export async function noteWait(services: Services, migrationId: string, reason: WaitReason): Promise<void> {
  await services.redis.set(waitKey(migrationId), JSON.stringify({ reason, at: Date.now() }), 'EX', KEEP_SECONDS);
}

/** Whether a running migration is stalled, and why: from its last progress report and the last wait a batch noted. */
export async function stallOf(services: Services, doc: MigrationDoc, progress: BatchProgress[], now = Date.now()): Promise<Stall | undefined> {
  if (doc.state !== 'running') return undefined;
  const [progressAt, wait] = await services.redis.mget(progressAtKey(doc._id), waitKey(doc._id));
  const runningSince = Date.parse(doc.history.findLast((h) => h.state === 'running')?.at ?? doc.updatedAt);
  const last = Math.max(Number(progressAt ?? 0), runningSince);
  if (now - last < services.config.migrations.stalledAfterMs) return undefined;
  const noted = wait ? (JSON.parse(wait) as { reason: WaitReason; at: number }) : undefined;
  let reason: WaitReason = 'unknown';
  if (noted && noted.at >= last) reason = noted.reason;
  else if (progress.some((b) => b.state === 'running' && BULK_OPEN.has(b.salesforce ?? ''))) reason = 'bulk';
  return { since: new Date(last).toISOString(), reason };
}
