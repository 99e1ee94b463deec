import type { Services } from '../services.js';
import { withRetry, isConflict } from '../store/index.js';
import type { ChunkSpan } from '../datasets/model.js';
import { readChunkSpans } from '../datasets/chunk-store.js';
import { readApiBudget, reserveOf, sessionFor, toSalesforceError, type ApiBudget } from '../salesforce/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { logger } from '../logger.js';
import { batchId, emptyTotals, type BatchDoc, type MigrationDoc } from './model.js';
import { reportState } from './progress.js';
import { budgetShort } from './reasons.js';
import { getMigration, saveMigration, withPause, withState } from './store.js';
import { approvalHolds } from './approval.js';
import { followDataset } from './follow-plan.js';
import { BATCH_BYTES } from './batch-memory.js';
import { keepPlanCheckpoint, readPlanCheckpoint, type PlanCheckpoint, type StartedPlan } from './plan-checkpoint.js';

/**
 * A batch's rows and the chunks they are read from; `bytes`: the row text they hold as planned (absent when the chunks'
 * sizes are unknown).
 */
export interface BatchSpan { batch: number; fromRow: number; toRow: number; chunks: number[]; bytes?: number }
/** `full`: the batch reached its row or byte limit (a later chunk cannot add to it). */
export interface PlannedBatch extends BatchSpan { full: boolean }
/** Collections below the threshold (and never for hardDelete, which only Bulk offers). */
export function resolveApiMode(migration: Pick<MigrationDoc, 'options' | 'operation' | 'rowCount'>): 'collections' | 'bulk' {
  if (migration.operation === 'hardDelete') return 'bulk';
  if (migration.options.apiMode !== 'auto') return migration.options.apiMode;
  return migration.rowCount <= migration.options.collectionsThreshold ? 'collections' : 'bulk';
}

/**
 * Splits the dataset's rows into batches of at most `batchSize` rows and at most `batchBytes` of row text (a batch
 * has at least one row); each lists the chunks it reads. A batch's end depends only on the rows up to it, so
 * planning again with more chunks stored keeps every full batch as it was (a run that follows its parse). Pure.
 */
export function planBatches(chunks: ChunkSpan[], batchSize: number, batchBytes = BATCH_BYTES): PlannedBatch[] {
  const sorted = chunks.filter((c) => c.rowCount > 0).sort((a, b) => a.index - b.index);
  const batches: PlannedBatch[] = [];
  let open: PlannedBatch | undefined;
  let openBytes = 0;
  /** Whether every row of the open batch comes from a chunk of known size (then its bytes are known). */
  let openSized = true;
  const close = (full: boolean) => {
    if (open) batches.push({ ...open, ...(openSized ? { bytes: Math.round(openBytes) } : {}), full });
    open = undefined;
    openBytes = 0;
    openSized = true;
  };
  for (const chunk of sorted) {
    const rowBytes = (chunk.bytes ?? 0) / chunk.rowCount; // unknown (older chunks): planned by rows alone
    for (let row = chunk.firstRow, end = chunk.firstRow + chunk.rowCount; row < end; ) {
      if (open && (open.toRow - open.fromRow + 1 === batchSize || openBytes + rowBytes > batchBytes)) close(true);
      open ??= { batch: batches.length, fromRow: row, toRow: row - 1, chunks: [], full: false };
      const byRows = batchSize - (open.toRow - open.fromRow + 1);
      const byBytes = rowBytes > 0 ? Math.floor((batchBytes - openBytes) / rowBytes) : byRows;
      const take = Math.min(end - row, byRows, Math.max(byBytes, open.toRow < open.fromRow ? 1 : 0));
      if (take > 0 && open.chunks.at(-1) !== chunk.index) open.chunks.push(chunk.index);
      if (take > 0 && rowBytes === 0) openSized = false;
      open.toRow += take;
      openBytes += take * rowBytes;
      row += take;
    }
  }
  if (open) close(open.toRow - open.fromRow + 1 === batchSize);
  return batches;
}

/** Rough API calls a run needs: Collections 1 per 200 rows (+ retries), Bulk ~8 per job. */
export function estimateCalls(mode: 'collections' | 'bulk', rows: number, batches: number): number {
  return mode === 'collections' ? Math.ceil(rows / 200) + batches : batches * 8;
}

export const batchSizeOf = (migration: Pick<MigrationDoc, 'options'>, apiMode: 'collections' | 'bulk'): number =>
  migration.options.batchSize ?? (apiMode === 'collections' ? 2000 : 25_000);

/** Stores the batch documents (a document that exists is kept: planning again creates nothing twice). */
export async function storeBatches(services: Services, migrationId: string, planned: BatchSpan[], apiMode: 'collections' | 'bulk'): Promise<void> {
  const now = new Date().toISOString();
  const docs: BatchDoc[] = planned.map((p) => ({
    _id: batchId(migrationId, p.batch), kind: 'batch', migrationId, batch: p.batch, fromRow: p.fromRow, toRow: p.toRow, chunks: p.chunks, ...(p.bytes === undefined ? {} : { bytes: p.bytes }),
    state: 'pending', apiMode, bulkJobs: [], totals: { ...emptyTotals(), rows: p.toRow - p.fromRow + 1 }, calls: 0, beforeImages: false, beforeSlices: 0, revivals: 0, idleRevivals: 0, updatedAt: now,
  }));
  const db = services.store.db('migrations');
  for (let i = 0; i < docs.length; i += 500) {
    const results = await withRetry(() => db.bulk({ docs: docs.slice(i, i + 500) as never[] }));
    const failed = results.filter((r) => r.error && r.error !== 'conflict');
    if (failed.length > 0) throw new Error(`Could not store ${failed.length} batch documents: ${failed[0].reason ?? failed[0].error}`);
  }
}

/** One batch job each, with deterministic ids (enqueueing again is harmless). */
export async function enqueueBatches(services: Services, migrationId: string, batches: number[]): Promise<void> {
  const jobs = batches.map((batch) => ({ payload: { migrationId, batch }, jobId: migrationJobId.batch(migrationId, batch) }));
  await services.producer.enqueueMany('migration.batch', jobs);
}

/** The org's API allowance, and whether the run's calls would eat into its reserve. */
export async function budgetFor(services: Services, migration: MigrationDoc, needed: number): Promise<{ budget: ApiBudget; short: boolean }> {
  const session = await sessionFor(services, migration.connectionId);
  const budget = await readApiBudget(services.redis, session).catch((thrown: unknown): ApiBudget => {
    if (!toSalesforceError(thrown).dailyLimit) throw thrown;
    return { max: session.usage?.limit ?? 0, remaining: 0, at: new Date().toISOString(), source: 'header' };
  });
  return { budget, short: budget.remaining - needed < reserveOf(budget) };
}

/** queued -> running, or paused when the budget is short (a control that changed the state meanwhile wins). */
export function startedState(migration: MigrationDoc, needed: number, budget: ApiBudget, short: boolean): MigrationDoc {
  if (migration.state !== 'queued') return migration;
  return short
    ? withPause(migration, 'system', budgetShort(needed, budget.remaining, budget.max, reserveOf(budget)))
    : withState(migration, 'running', 'system');
}

/** The batches planned from the dataset's chunks, their documents stored: the plan's first step. */
async function planAndStore(services: Services, migration: MigrationDoc): Promise<PlanCheckpoint> {
  const apiMode = resolveApiMode(migration);
  const batchSize = batchSizeOf(migration, apiMode);
  // The dataset's chunks only: any past its count were left by a run that died (a transfer's), and hold no rows of it.
  const { datasetId, chunkCount } = migration;
  const spans = await readChunkSpans(services.store, datasetId, { limit: chunkCount, chunkCount });
  const planned = planBatches(spans, batchSize);
  await storeBatches(services, migration._id, planned, apiMode);
  return keepPlanCheckpoint(services, migration, { apiMode, batchSize, batchCount: planned.length });
}

/** The org's budget read for the planned calls: the plan's second step. */
async function readBudget(services: Services, migration: MigrationDoc, plan: PlanCheckpoint): Promise<StartedPlan> {
  const needed = estimateCalls(plan.apiMode, migration.rowCount, plan.batchCount);
  const { budget, short } = await budgetFor(services, migration, needed);
  const started = { ...plan, start: { needed, budget, short } };
  await keepPlanCheckpoint(services, migration, started);
  return started;
}

/**
 * The plan job: batches as documents (created once, kept if they exist), the org's API budget read from /limits,
 * then one batch job each with a deterministic id, so planning twice enqueues nothing twice. Each step is
 * checkpointed (plan-checkpoint.ts): a plan job taken again after its worker died goes on from the last step stored.
 */
export async function planMigration(services: Services, migrationId: string): Promise<{ batches: number }> {
  let migration = await getMigration(services, migrationId);
  // A run following a parse is planned until the parse ends, whatever its state meanwhile (paused, cancelling).
  if (migration.following && migration.state !== 'queued') return followDataset(services, migration);
  if (migration.state !== 'queued' && migration.state !== 'running') return { batches: migration.batchCount };
  // A production run starts only while its approval holds (not expired, dataset and template unchanged).
  if (migration.state === 'queued' && !(await approvalHolds(services, migration))) return { batches: 0 };
  if (migration.following) return followDataset(services, migration);
  const log = logger('migrations', { migrationId });
  const stored = await readPlanCheckpoint(services, migration);
  if (stored) log.info({ batches: stored.batchCount, budgetRead: stored.start !== undefined }, 'plan resumes from its checkpoint');
  const plan = stored ?? (await planAndStore(services, migration));
  const { apiMode, batchSize, batchCount, start } = plan.start ? { ...plan, start: plan.start } : await readBudget(services, migration, plan);

  if (migration.state === 'queued' || migration.batchCount !== batchCount || migration.apiMode !== apiMode) {
    try {
      migration = { ...migration, apiMode, batchCount, apiBudget: start.budget, totals: { ...emptyTotals(), rows: migration.rowCount } };
      migration = await saveMigration(services, startedState(migration, start.needed, start.budget, start.short));
    } catch (error) {
      if (!isConflict(error)) throw error;
      migration = await getMigration(services, migrationId); // a control changed it meanwhile; its state wins
    }
  }
  await reportState(services, migration);
  await enqueueBatches(services, migrationId, Array.from({ length: batchCount }, (_, batch) => batch));
  if (batchCount === 0) await services.producer.enqueue('migration.finalize', { migrationId }, { jobId: migrationJobId.finalize(migrationId) });
  log.info({ batches: batchCount, apiMode, batchSize, budget: start.budget }, 'migration planned');
  return { batches: batchCount };
}
