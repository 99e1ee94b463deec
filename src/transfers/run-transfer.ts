import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { isAppError } from '../errors.js';
import { backoffMs } from '../salesforce/index.js';
import { logger } from '../logger.js';
import { RedisSeenKeys } from '../frame/index.js';
import { cutBatch, type SourceBatch, type TransferSource, type TransferTarget } from './ends.js';
import { moveBatch, type Refused } from './move-batch.js';
import { openSource, openTarget } from './open-ends.js';
import { TransferProgress } from './progress.js';
import { controlWatch } from './control-signal.js';
import { findTransfer, putDeadLetters } from './store.js';
import type { TransferDoc } from './model.js';

/** How long a read waits for records: a one-shot transfer ends at the first empty read. */
const WAIT_ONCE_MS = 200;
const WAIT_CONTINUOUS_MS = 1000;
/** How often a full target is asked again for room. */
export const BOUND_POLL_MS = 250;
/** A batch whose write failed as a whole is tried this many times (backing off) before the run fails. */
const WRITE_ATTEMPTS = 5;

export type TransferOutcome = { outcome: 'completed' | 'paused' | 'stopped' | 'failed' } | { outcome: 'skipped'; reason: string };

/** Refused records stored with why, before their batch is acknowledged. */
export async function keepDeadLetters(services: Services, transferId: string, refused: Refused[]): Promise<void> {
  const at = new Date().toISOString();
  const letters = refused.map((r) => ({
    transferId, key: r.entry.key, record: r.entry.record, code: r.code, reason: r.reason, ...(r.i18n ? { i18n: r.i18n } : {}), at,
  }));
  await putDeadLetters(services.store, letters);
}

export const seenKeysOf = (services: Services, doc: TransferDoc) =>
  new RedisSeenKeys(services.redis, `${services.config.queue.prefix}:transfer:${doc._id}:seen`);

function failureOf(error: unknown): { code: string; message: string } {
  if (isAppError(error) && error.expose) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'TRANSFER_FAILED', message: `The transfer stopped on an error: ${message.slice(0, 500)}` };
}

/**
 * Runs one transfer until its source is empty (once), or until it is paused or stopped: before each batch it asks
 * the target for room (waiting, visibly, while it is full), reads at most that many records, runs the pipeline,
 * writes, keeps refused records as dead letters, and only then acknowledges the batch in the source.
 */
export async function runTransfer(services: Services, transferId: string, run: number, lastAttempt: boolean): Promise<TransferOutcome> {
  const log = logger('worker', { transferId, run });
  const doc = await findTransfer(services.store, transferId);
  if (doc?.status === 'stopped' && doc.run === run && doc.target.kind === 'dataset') return endStopped(services, doc);
  if (!doc || doc.run !== run || (doc.status !== 'running' && doc.status !== 'waiting')) {
    return { outcome: 'skipped', reason: 'the transfer was paused, stopped, resumed or deleted since' };
  }
  const progress = new TransferProgress(services.store, transferId, doc);
  let source: TransferSource | undefined;
  let target: TransferTarget | undefined;
  try {
    source = await openSource(services, doc);
    target = await openTarget(services, doc);
    const outcome = await drain(services, transferId, progress, source, target, log);
    if (outcome !== 'paused') await target.finish?.();
    await progress.save(outcome === 'completed' ? { status: 'completed' } : undefined);
    log.info({ outcome, counts: progress.doc.counts }, 'transfer run ended');
    return { outcome };
  } catch (error) {
    if (!lastAttempt && !(isAppError(error) && error.status < 500)) throw error;
    log.error({ err: error }, 'transfer failed');
    await progress.save({ status: 'failed', error: failureOf(error) });
    return { outcome: 'failed' };
  } finally {
    await source?.close().catch(() => undefined);
    await target?.close().catch(() => undefined);
  }
}

/** A transfer stopped while no run was there (paused, failed): its target reaches its end (a dataset gets ready). */
async function endStopped(services: Services, doc: TransferDoc): Promise<TransferOutcome> {
  let target: TransferTarget | undefined;
  try {
    target = await openTarget(services, doc);
    await target.finish?.();
    return { outcome: 'stopped' };
  } catch (error) {
    // The dataset was deleted, or is ready already.
    if (isAppError(error) && error.status < 500) return { outcome: 'skipped', reason: error.message };
    throw error;
  } finally {
    await target?.close().catch(() => undefined);
  }
}

async function drain(
  services: Services, transferId: string, progress: TransferProgress, source: TransferSource, target: TransferTarget, log: ReturnType<typeof logger>,
): Promise<'completed' | 'paused' | 'stopped'> {
  const doc = progress.doc;
  const context = { seenKeys: seenKeysOf(services, doc), now: new Date(doc.createdAt) };
  const controlled = controlWatch(services, transferId);
  await controlled();
  const released = () => (progress.doc.status === 'stopped' ? 'stopped' : 'paused');
  const waitMs = doc.mode === 'once' ? WAIT_ONCE_MS : WAIT_CONTINUOUS_MS;
  /** The next batch, read while the target writes the current one (a source with `readAhead`). */
  let ahead: Promise<SourceBatch> | undefined;
  const readAhead = () => {
    const next = source.read(doc.batchSize, waitMs);
    // Awaited at the next batch; a run that ends first closes the source, and the batch stays unacknowledged.
    next.catch(() => undefined);
    return next;
  };
  for (;;) {
    if (progress.due || (await controlled())) {
      progress.setLag(await source.lag());
      await progress.save();
    }
    if (!progress.owned) return released();
    // The batch read ahead is there before the room is measured: the target may have filled while it was read.
    const held = await ahead;
    ahead = undefined;
    const room = await target.room();
    progress.setRoom(room);
    if (room.free === 0) {
      if (held) ahead = Promise.resolve(held);
      if (progress.doc.status !== 'waiting') await progress.save();
      await sleep(BOUND_POLL_MS);
      continue;
    }
    let batch = held ?? (await source.read(Math.min(doc.batchSize, room.free ?? doc.batchSize), waitMs));
    if (batch.entries.length === 0) {
      if (doc.mode === 'continuous') continue;
      // The page shows what is left at the end (none, unless records arrived since).
      progress.setLag(await source.lag());
      return 'completed';
    }
    // Only a batch read ahead can be larger than the room left: what fits is written now, the rest in the next round.
    if (room.free !== undefined && batch.entries.length > room.free) {
      const [now, rest] = source.split?.(batch, room.free) ?? cutBatch(batch, room.free);
      batch = now;
      ahead = Promise.resolve(rest);
    }
    // Paused or stopped during the read: the batch is left unacknowledged, so the next run reads it again.
    if (await controlled()) {
      await progress.save();
      if (!progress.owned) return released();
    }
    const roomAfter = room.free === undefined || room.free >= batch.entries.length + doc.batchSize;
    if (source.readAhead && !ahead && roomAfter) ahead = readAhead();
    for (let attempt = 1; ; attempt++) {
      try {
        const moved = await moveBatch(batch.entries, progress.doc.pipeline, context, target);
        await keepDeadLetters(services, transferId, moved.refused);
        await source.ack(batch);
        progress.batch(batch.entries.length, moved, batch.position);
        break;
      } catch (error) {
        progress.failedBatch();
        // A pipeline that does not fit the records, or a refusal of the whole call, does not change by trying again.
        if (attempt >= WRITE_ATTEMPTS || (isAppError(error) && error.status < 500)) throw error;
        log.warn({ err: error, attempt }, 'batch failed as a whole; writing it again');
        await sleep(backoffMs(attempt - 1));
      }
    }
  }
}
