import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { describeObject, readWithRetries, sessionFor, toId18, type SalesforceSession } from '../salesforce/index.js';
import { getMigration, listBatches, type BatchDoc } from '../migrations/index.js';
import { compareBatch, type ReconcileContext } from './compare-batch.js';
import { emptyCounts, reconciliationId, type ReconciliationCounts, type ReconciliationDoc } from './model.js';
import { deletePieces, findReconciliation, saveReconciliation } from './store.js';
import { ReconciliationTally } from './tally.js';

/** Batches compared at once: the org prepares one batch's query while DMS rebuilds and compares another's. */
const BATCHES_AT_ONCE = 3;

async function writerOf(session: SalesforceSession): Promise<string | undefined> {
  const identity = await readWithRetries(() => session.conn.identity()).catch(() => undefined);
  return identity?.user_id ? (toId18(identity.user_id) ?? identity.user_id) : undefined;
}

/** Runs `work` over the batches, a few at a time, in batch order of starting. */
async function eachBatch(batches: BatchDoc[], work: (batch: BatchDoc) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < batches.length) await work(batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_AT_ONCE, batches.length) }, lane));
}

/**
 * Queries the target org back for every record a finished run wrote and compares each written field with the
 * value sent (see compare.ts for the normalisations understood). Starts over when run again.
 */
export async function reconcileMigration(services: Services, migrationId: string): Promise<ReconciliationCounts> {
  const log = logger('migrations', { migrationId });
  const migration = await getMigration(services, migrationId);
  const found = await findReconciliation(services, migrationId);
  let doc: ReconciliationDoc = {
    _id: reconciliationId(migrationId), _rev: found?._rev, kind: 'reconciliation', migrationId,
    requestedBy: found?.requestedBy ?? 'system', requestedAt: found?.requestedAt ?? new Date().toISOString(),
    state: 'running', startedAt: new Date().toISOString(), counts: emptyCounts(), differences: [], normalisations: [], pieces: [], batchesDone: 0,
  };
  doc = await saveReconciliation(services, doc);
  try {
    await deletePieces(services, migrationId);
    const session = await sessionFor(services, migration.connectionId);
    const ctx: ReconcileContext = {
      services, migration, session, describe: await describeObject(services.redis, session, migration.object), writerId: await writerOf(session),
    };
    const tally = new ReconciliationTally(services, migrationId);
    // Progress for the page, saved in order after each batch (the lanes never write the document at once).
    let progress = Promise.resolve();
    await eachBatch(await listBatches(services, migrationId, migration.batchCount), async (batch) => {
      for (const result of await compareBatch(ctx, batch)) tally.add(result);
      const snapshot = { ...doc, batchesDone: doc.batchesDone + 1, counts: { ...tally.counts } };
      doc.batchesDone = snapshot.batchesDone;
      progress = progress.then(async () => {
        doc._rev = (await saveReconciliation(services, { ...snapshot, _rev: doc._rev }))._rev;
      });
    });
    await progress;
    await tally.end();
    doc = await saveReconciliation(services, {
      ...doc, state: 'done', finishedAt: new Date().toISOString(), writerId: ctx.writerId, counts: tally.counts,
      differences: tally.differences.list(), normalisations: tally.normalisations.list(), pieces: tally.pieces,
    });
    log.info({ counts: doc.counts }, 'migration reconciled');
    return doc.counts;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'RECONCILE_FAILED';
    await saveReconciliation(services, { ...doc, state: 'failed', finishedAt: new Date().toISOString(), error: { code, message: (error as Error).message } });
    throw error;
  }
}
