import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { findDataset } from '../datasets/dataset-store.js';
import type { ChunkSpan } from '../datasets/model.js';
import { readChunkSpans } from '../datasets/chunk-store.js';
import { logger } from '../logger.js';
import { FINISHED_STATES, type MigrationDoc } from './model.js';
import {
  batchSizeOf, budgetFor, enqueueBatches, estimateCalls, planBatches, startedState, storeBatches, type PlannedBatch,
} from './plan.js';
import { reportState } from './progress.js';
import { finalizeWhenDone } from './run-batch.js';
import { getMigration, updateMigration } from './store.js';

/** How often planning looks for newly stored chunks while the parse runs. */
const FOLLOW_POLL_MS = 500;
const CHUNKS_PER_READ = 1000;

/** What planning needs to know of the followed parse. */
interface ParseView {
  status: 'parsing' | 'ready' | 'failed';
  rowCount: number;
  error?: { code: string; message: string };
}

async function parseView(services: Services, datasetId: string): Promise<ParseView> {
  const doc = await findDataset(services.store, datasetId);
  if (!doc) return { status: 'failed', rowCount: 0, error: { code: 'DATASET_DELETED', message: `Dataset ${datasetId} was deleted while it was parsed.` } };
  if (doc.parseRun !== 0) {
    const message = `Dataset ${doc.name} was parsed again while the run followed its first parse.`;
    return { status: 'failed', rowCount: 0, error: { code: 'DATASET_REPARSED', message } };
  }
  if (doc.status === 'ready') return { status: 'ready', rowCount: doc.rowCount };
  if (doc.status === 'failed') return { status: 'failed', rowCount: 0, error: doc.error ?? { code: 'PARSE_FAILED', message: 'The parse failed.' } };
  return { status: 'parsing', rowCount: 0 };
}

/** The chunks stored so far from the first on, without a gap (two writes in flight may land out of order). */
class StoredChunks {
  readonly chunks: ChunkSpan[] = [];
  constructor(private readonly services: Services, private readonly datasetId: string) {}

  async read(): Promise<void> {
    for (;;) {
      const from = this.chunks.length;
      const found = await readChunkSpans(this.services.store, this.datasetId, { fromIndex: from, limit: CHUNKS_PER_READ });
      for (const chunk of found) if (chunk.index === this.chunks.length) this.chunks.push(chunk);
      if (found.length < CHUNKS_PER_READ || this.chunks.length === from) return;
    }
  }

  get rows(): number {
    return this.chunks.reduce((n, c) => n + c.rowCount, 0);
  }
}

const stopping = (m: MigrationDoc) => m.state === 'cancelling' || FINISHED_STATES.has(m.state);
const rowsOf = (planned: PlannedBatch[]) => planned.reduce((n, p) => n + p.toRow - p.fromRow + 1, 0);

/**
 * The API is chosen once enough rows are known: Bulk as soon as more rows than the Collections threshold are stored,
 * Collections when the parse ended below it.
 */
function apiModeFor(migration: MigrationDoc, storedRows: number, ended: boolean): 'collections' | 'bulk' | undefined {
  if (migration.apiMode) return migration.apiMode;
  if (migration.operation === 'hardDelete') return 'bulk';
  if (migration.options.apiMode !== 'auto') return migration.options.apiMode;
  if (storedRows > migration.options.collectionsThreshold) return 'bulk';
  return ended ? 'collections' : undefined;
}

/** Which batches the run has now: every full one while the parse runs, all once it is ready, no new one once cancelled. */
function batchesNow(migration: MigrationDoc, view: ParseView, chunks: ChunkSpan[], batchSize: number): PlannedBatch[] {
  const all = planBatches(chunks, batchSize);
  if (view.status === 'ready' && !stopping(migration)) return all;
  const full = stopping(migration) ? 0 : all.filter((b) => b.full).length;
  return all.slice(0, Math.max(full, migration.batchCount));
}

interface Step { migration: MigrationDoc; enqueued: number }

/**
 * One look at the parse: counts saved first (a crash after it plans the same batches again), then the new batches'
 * documents and jobs, and last the end of following (a crash before it follows again).
 */
async function planStep(services: Services, migration: MigrationDoc, view: ParseView, stored: StoredChunks, enqueued: number): Promise<Step> {
  const ended = view.status !== 'parsing' || stopping(migration);
  const apiMode = apiModeFor(migration, stored.rows, ended);
  if (!apiMode) return { migration, enqueued };
  const planned = batchesNow(migration, view, stored.chunks, batchSizeOf(migration, apiMode));
  const rows = rowsOf(planned);
  if (view.status === 'ready' && !stopping(migration) && rows !== view.rowCount) {
    throw new Error(`the stored chunks hold ${rows} rows, the ready dataset ${view.rowCount}; planning again`);
  }
  const id = migration._id;
  if (planned.length !== migration.batchCount || migration.state === 'queued' || migration.apiMode !== apiMode) {
    const needed = estimateCalls(apiMode, rows, planned.length);
    const start = migration.state === 'queued' ? await budgetFor(services, migration, needed) : undefined;
    migration = await updateMigration(services, id, (m) => {
      const counted = { ...m, apiMode, batchCount: planned.length, rowCount: rows, chunkCount: stored.chunks.length, totals: { ...m.totals, rows } };
      return start ? { ...startedState(counted, needed, start.budget, start.short), apiBudget: start.budget } : counted;
    });
    await reportState(services, migration);
  }
  const fresh = planned.slice(enqueued);
  await storeBatches(services, id, fresh, apiMode);
  await enqueueBatches(services, id, fresh.map((p) => p.batch));
  if (!ended) return { migration, enqueued: planned.length };
  migration = await updateMigration(services, id, (m) => ({ ...m, following: false, parseError: view.status === 'failed' ? view.error : undefined }));
  await reportState(services, migration);
  await finalizeWhenDone(services, migration);
  return { migration, enqueued: planned.length };
}

/**
 * Planning for a run started on a dataset still being parsed (pipelining): batches are planned as the chunks they
 * read are stored, so Bulk jobs open while the file is still being read. Runs as the plan job until the parse ends
 * (ready: the run takes every row; failed: the run ends failed with the rows planned before) or the run is cancelled.
 * Idempotent: a plan job run again (its worker died) stores and enqueues the same batches, nothing twice.
 */
export async function followDataset(services: Services, first: MigrationDoc): Promise<{ batches: number }> {
  const log = logger('migrations', { migrationId: first._id });
  const stored = new StoredChunks(services, first.datasetId);
  let step: Step = { migration: first, enqueued: 0 };
  for (;;) {
    // The dataset before its chunks: a ready dataset's chunks were all stored before it was marked ready.
    const view = await parseView(services, first.datasetId);
    await stored.read();
    step = await planStep(services, step.migration, view, stored, step.enqueued);
    if (!step.migration.following) break;
    await sleep(FOLLOW_POLL_MS);
    step = { ...step, migration: await getMigration(services, first._id) };
  }
  const { migration } = step;
  log.info({ batches: migration.batchCount, rows: migration.rowCount, apiMode: migration.apiMode, parseError: migration.parseError }, 'migration planned while following the parse');
  return { batches: migration.batchCount };
}
