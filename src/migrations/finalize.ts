import { reason } from './reasons.js';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { FINISHED_STATES, emptyTotals } from './model.js';
import { addTotals } from './outcomes.js';
import { reportState } from './progress.js';
import { getMigration, listBatches, updateMigration, withState } from './store.js';
import { seenKeysKey } from './prepare.js';
import { reconcileAfterRun } from '../reconciliation/index.js';
import { BATCH_LOST } from './revive.js';

/** The run's code when the dataset it followed failed to parse (docs/migrations.md, "Pipelining"). */
export const PARSE_FAILED = 'DATASET_PARSE_FAILED';

/**
 * Runs once every batch is done: durable totals from the batch documents (never from Redis), the
 * check that every row is accounted for, and the final state.
 */
export async function finalizeMigration(services: Services, migrationId: string): Promise<{ state: string }> {
  const log = logger('migrations', { migrationId });
  const doc = await getMigration(services, migrationId);
  if (FINISHED_STATES.has(doc.state)) return { state: doc.state };
  if (doc.following) throw new Error('finalize found the run still planning batches as its dataset is parsed; retrying');
  const batches = await listBatches(services, migrationId, doc.batchCount);
  const open = batches.filter((b) => b.state !== 'done' && b.state !== 'cancelled');
  if (open.length > 0 || batches.length !== doc.batchCount) {
    throw new Error(`finalize found ${open.length} unfinished and ${doc.batchCount - batches.length} missing batches; retrying`);
  }
  const totals = batches.reduce((sum, b) => addTotals(sum, b.totals), emptyTotals());
  const accounted = totals.succeeded + totals.failed + totals.skipped;
  const lost = batches.find((b) => b.error?.code === BATCH_LOST)?.error;
  const saved = await updateMigration(services, migrationId, (m) => {
    if (FINISHED_STATES.has(m.state)) return undefined;
    const finished = { ...m, totals, finishedAt: new Date().toISOString() };
    if (accounted !== m.rowCount) {
      const why = reason('migrations.reason.totalsMismatch', { accounted, rows: m.rowCount });
      return { ...withState(finished, 'failed', 'system', why), error: { code: 'TOTALS_MISMATCH', message: why.text, i18n: why.message } };
    }
    // The followed parse failed: the rows stored before it were run (and are reported); the run did not take the file.
    if (m.parseError && m.state !== 'cancelling') {
      const why = reason('migrations.reason.parseFailed', { rows: m.rowCount, code: m.parseError.code, detail: m.parseError.message });
      return { ...withState(finished, 'failed', 'system', why), error: { code: PARSE_FAILED, message: why.text, i18n: why.message } };
    }
    // Rows of a batch DMS gave up on were not written as asked: the run failed, with the reason on its page.
    if (lost && m.state !== 'cancelling') {
      const why = reason('migrations.reason.batchLost', { detail: lost.message });
      return { ...withState(finished, 'failed', 'system', why), error: { ...lost, i18n: why.message } };
    }
    return withState(finished, m.state === 'cancelling' ? 'cancelled' : 'completed', 'system');
  });
  await services.redis.del(seenKeysKey(migrationId));
  await reportState(services, saved);
  await reconcileAfterRun(services, saved);
  log.info({ totals, state: saved.state }, 'migration finalized');
  return { state: saved.state };
}
