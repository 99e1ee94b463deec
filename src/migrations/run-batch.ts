import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import {
  describeObject, lastApiBudget, ORG_SLOTS, orgSlotsKey, recordUsage, reserveOf, SalesforceError, sessionFor, SlotLimiter, type Slot,
} from '../salesforce/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { Cancelled, Deferred, failRemaining, type BatchRun } from './batch-run.js';
import { captureBeforeImages } from './before-images.js';
import { noteStart } from './starts.js';
import { FINISHED_STATES, type BatchDoc, type MigrationDoc } from './model.js';
import { saidOutcome, totalsOf, TrackedOutcomes, type Outcomes } from './outcomes.js';
import { buildPreflight } from './preflight.js';
import { fieldByName, mappingTargets } from '../mapping/index.js';
import { prepareBatch, recordRows, uploadLines, type PreparedBatch } from './prepare.js';
import { checkpointsPrepared, keepPrepared, readPrepared } from './prepared-store.js';
import { PrepareLane } from './prepare-lane.js';
import { BATCH_BYTES, BATCHES_IN_MEMORY_BYTES, BatchMemory } from './batch-memory.js';
import { describeContext } from '../preflight/index.js';
import { reportBatch, reportState } from './progress.js';
import { currentState, getBatch, getMigration, outcomesAttachment, readOutcomes, saveBatch, updateMigration, withPause } from './store.js';
import { budgetLow, type Reason } from './reasons.js';
import { writeThroughBulk } from './write-bulk.js';
import { writeThroughCollections } from './write-collections.js';

const PAUSED_RECHECK_MS = 2000;
/** A killed worker's slots free themselves after this; a live one extends its lease every third of it. */
const SLOT_LEASE_MS = 15_000;
const SLOT_WAIT_MS = 1500;
const SLOT_RETRY_MS = 100;
const doneKey = (id: string) => `dms:migration:${id}:done`;
/** This process's batches prepare one at a time (see PrepareLane). */
const preparing = new PrepareLane();
/** The row text this process's batches hold at once (see BatchMemory); a batch planned without its size counts as full. */
const memory = new BatchMemory(BATCHES_IN_MEMORY_BYTES);

/** Pauses a running migration on the system's own initiative (API budget), keeping the reason. */
export async function systemPause(services: Services, migrationId: string, why: Reason): Promise<void> {
  const doc = await updateMigration(services, migrationId, (d) => (d.state === 'running' ? withPause(d, 'system', why) : undefined));
  await reportState(services, doc);
}

/** Slots are held in the batch's name: a batch resumed after its worker died takes back the slots it held. */
async function acquireSlots(services: Services, migration: MigrationDoc, batch: number): Promise<Slot[]> {
  const holder = migrationJobId.batch(migration._id, batch);
  const limit = migration.options.serial ? 1 : migration.options.concurrency;
  const own = new SlotLimiter(services.redis, `dms:slots:migration:${migration._id}`, limit, SLOT_LEASE_MS);
  // A slot of this run frees when one of its batches ends: wait for it here a little (a Redis call per
  // try) rather than going through the delayed set at once, which re-reads the documents every time.
  const waitUntil = Date.now() + SLOT_WAIT_MS;
  let ownSlot = await own.tryAcquire(holder);
  while (!ownSlot && Date.now() < waitUntil) {
    await sleep(SLOT_RETRY_MS);
    ownSlot = await own.tryAcquire(holder);
  }
  if (!ownSlot) throw new Deferred(300 + Math.random() * 700, 'migration concurrency reached', 'slot');
  const orgSlot = await new SlotLimiter(services.redis, orgSlotsKey(migration.connectionId), ORG_SLOTS, SLOT_LEASE_MS).tryAcquire(holder);
  if (!orgSlot) {
    await ownSlot.release();
    throw new Deferred(500 + Math.random() * 1000, 'org concurrency reached', 'slot');
  }
  return [ownSlot, orgSlot];
}

/** Every row of the batch without an outcome is skipped: the run was cancelled. */
function skipRest(batch: BatchDoc, outcomes: Outcomes): void {
  for (let row = batch.fromRow; row <= batch.toRow; row++) {
    if (!outcomes.has(row)) outcomes.set(row, saidOutcome('skip', 'CANCELLED', 'row.run.cancelledBeforeSent'));
  }
}

/** Records the batch as finished for progress, and enqueues finalize once every batch is. */
export async function afterBatch(services: Services, migration: MigrationDoc, batch: BatchDoc): Promise<void> {
  const last = batch.bulkJobs.at(-1);
  const salesforce = last?.state ?? (batch.apiMode === 'collections' ? 'collections' : undefined);
  await reportBatch(services, migration._id, { batch: batch.batch, state: batch.state, totals: batch.totals, salesforce, jobId: last?.id });
  const key = doneKey(migration._id);
  await services.redis.multi().sadd(key, String(batch.batch)).expire(key, 30 * 24 * 3600).exec();
  // A run that followed a parse when this batch began may have more batches now: its count is read after the add
  // above, and the planner reads the set after saving its last count, so one of the two sees the other.
  await finalizeWhenDone(services, migration.following ? await getMigration(services, migration._id) : migration);
}

/** Enqueues finalize once every planned batch has ended (never while planning still follows a parse). */
export async function finalizeWhenDone(services: Services, migration: MigrationDoc): Promise<void> {
  if (migration.following) return;
  if ((await services.redis.scard(doneKey(migration._id))) < migration.batchCount) return;
  await services.producer.enqueue('migration.finalize', { migrationId: migration._id }, { jobId: migrationJobId.finalize(migration._id) });
}

/**
 * One batch: read its chunks, transform, validate, write, store every row's outcome. Safe to run
 * again at any point: outcomes already stored are kept, a recorded Bulk job is re-attached, a
 * Collections call in flight is resolved (see write-collections), nothing is sent twice blindly.
 */
export async function runBatch(services: Services, migrationId: string, n: number): Promise<{ state: string }> {
  const log = logger('migrations', { migrationId, batch: n });
  const migration = await getMigration(services, migrationId);
  let batch = await getBatch(services, migrationId, n);
  if (batch.state === 'done' || batch.state === 'cancelled') {
    await afterBatch(services, migration, batch);
    return { state: batch.state };
  }
  const state = migration.state;
  if (state === 'paused') throw new Deferred(PAUSED_RECHECK_MS, 'paused');
  if (state === 'cancelling' || state === 'cancelled' || FINISHED_STATES.has(state)) {
    const outcomes = await readOutcomes(services, batch);
    if (batch.bulkJobs.every((j) => j.resultsStored)) {
      skipRest(batch, outcomes);
      batch = await saveBatch(services, { ...batch, state: 'cancelled', totals: totalsOf(outcomes, batch.toRow - batch.fromRow + 1), finishedAt: new Date().toISOString() }, outcomesAttachment(outcomes));
      await afterBatch(services, migration, batch);
      return { state: batch.state };
    }
  }
  const slots = await acquireSlots(services, migration, n);
  await noteStart(services, migrationId, n);
  const keepAlive = setInterval(() => { for (const s of slots) void s.extend().catch(() => undefined); }, SLOT_LEASE_MS / 3);
  const askedMemoryAt = Date.now();
  const releaseMemory = await memory.hold(batch.bytes ?? BATCH_BYTES);
  /** Time spent waiting for this process's other batches to give back their memory. */
  const memoryWaitMs = Date.now() - askedMemoryAt;
  try {
    const session = await sessionFor(services, migration.connectionId);
    const describe = await describeObject(services.redis, session, migration.object);
    const preparedAt = Date.now();
    /** Time spent waiting for this process's earlier batches to prepare (not in prepareMs). */
    let laneWaitMs = 0;
    const { mapping } = migration.template;
    const targets = mappingTargets(mapping);
    let prepared = await readPrepared(services, batch, targets);
    const fromCheckpoint = prepared !== undefined;
    if (!prepared) {
      const { keyPrefixes, parents } = await describeContext(services, migration.connectionId, migration.object, mapping);
      const preflight = buildPreflight(describe, migration, mapping, { keyPrefixes, parents });
      const planned = batch;
      const askedAt = Date.now();
      prepared = await preparing.run(async (): Promise<PreparedBatch> => {
        laneWaitMs = Date.now() - askedAt;
        return planned.apiMode === 'collections'
          ? { form: 'records', ...await prepareBatch(services, migration, planned, preflight, recordRows()) }
          : { form: 'lines', ...await prepareBatch(services, migration, planned, preflight, uploadLines()) };
      });
      if (checkpointsPrepared(migration.template.pipeline)) batch = await keepPrepared(services, batch, prepared);
    }
    const prepareMs = Date.now() - preparedAt - laneWaitMs;
    const outcomes = new TrackedOutcomes(await readOutcomes(services, batch));
    // Outcomes an earlier attempt stored (a resumed batch), before this one's decided rows join them.
    const stored = outcomes.size;
    for (const [row, outcome] of prepared.decided) if (!outcomes.has(row)) outcomes.set(row, outcome);
    const rows = batch.toRow - batch.fromRow + 1;
    let savedChanges = -1;
    const markerField = mapping.fields.find((f) => fieldByName(describe, f.field)?.externalId)?.field;
    const run: BatchRun = {
      services, migration, batch, session, describe, prepared, outcomes, markerField, log, resent: new Set(),
      spec: { object: migration.object, operation: migration.operation, externalIdField: migration.externalIdField, allOrNone: migration.options.allOrNone, assignmentRuleId: migration.options.assignmentRuleId },
      async save(extra = {}) {
        // Unchanged outcomes stay in the stored attachment (kept as a stub): a large batch is not encoded twice.
        const changes = run.outcomes.changes;
        run.batch = await saveBatch(services, { ...run.batch, totals: totalsOf(run.outcomes, rows) }, changes === savedChanges ? {} : outcomesAttachment(run.outcomes));
        savedChanges = changes;
        await run.report(extra);
      },
      async report(extra) {
        await reportBatch(services, migrationId, { batch: n, state: run.batch.state, totals: run.batch.totals, ...extra });
      },
      async checkStop() {
        const now = await currentState(services, migrationId);
        if (now === 'paused') throw new Deferred(PAUSED_RECHECK_MS, 'paused');
        if (now === 'cancelling' || now === 'cancelled') throw new Cancelled();
      },
      async ensureBudget(calls) {
        const budget = (await recordUsage(services.redis, session)) ?? (await lastApiBudget(services.redis, migration.connectionId));
        if (budget && budget.remaining - calls < reserveOf(budget)) {
          await run.pauseFor(budgetLow(budget.remaining, budget.max, reserveOf(budget)));
        }
      },
      async pauseFor(why) {
        await systemPause(services, migrationId, why);
        throw new Deferred(PAUSED_RECHECK_MS, 'API budget', 'limits');
      },
    };
    run.batch = { ...run.batch, state: 'running', startedAt: run.batch.startedAt ?? new Date().toISOString() };
    log.info({ prepareMs, laneWaitMs, memoryWaitMs, fromCheckpoint, stored, decided: prepared.decided.size, beforeSlices: batch.beforeSlices, bulkJobs: batch.bulkJobs.map((j) => `${j.id}:${j.state}:${j.resultsStored}`), revivals: batch.revivals }, fromCheckpoint || batch.revivals > 0 || stored > 0 ? 'batch resumes' : 'batch starts');
    try {
      await captureBeforeImages(run);
      if (prepared.form === 'records') await writeThroughCollections(run, prepared.rows);
      else await writeThroughBulk(run, prepared.rows, targets);
      run.batch.state = 'done';
    } catch (error) {
      if (error instanceof Deferred) {
        await run.save();
        throw error;
      }
      if (error instanceof Cancelled) {
        skipRest(run.batch, run.outcomes);
        run.batch.state = 'cancelled';
      } else if (error instanceof SalesforceError && !error.transient) {
        failRemaining(run, error.errorCode, error.message);
        run.batch = { ...run.batch, state: 'done', error: { code: error.errorCode, message: error.message } };
      } else {
        throw error;
      }
    }
    run.batch.pendingCall = undefined;
    run.batch.finishedAt = new Date().toISOString();
    await run.save({ salesforce: run.batch.bulkJobs.at(-1)?.state ?? 'collections', jobId: run.batch.bulkJobs.at(-1)?.id });
    log.info({ totals: run.batch.totals, calls: run.batch.calls }, 'batch finished');
    await afterBatch(services, migration, run.batch);
    return { state: run.batch.state };
  } finally {
    releaseMemory();
    clearInterval(keepAlive);
    await Promise.all(slots.map((s) => s.release().catch(() => undefined)));
  }
}
