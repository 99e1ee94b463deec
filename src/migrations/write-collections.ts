import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, COLLECTIONS_MAX, isTransientRowError, toSalesforceError, writeCollection, type WriteResult } from '../salesforce/index.js';
import { failRemaining, pendingRows, type BatchRun } from './batch-run.js';
import { findByField, markerOf, matchKey } from './reconcile.js';
import type { PreparedRow } from './prepare.js';
import { limitReached } from './reasons.js';
import { saidOutcome } from './outcomes.js';

/**
 * A call whose answer was lost (crash, timeout, 500): update and upsert are simply sent again
 * (idempotent); a delete too (ENTITY_IS_DELETED then means done); an insert is reconciled by its
 * marker field when the mapping has one, otherwise its rows are put in doubt, listed for the operator.
 */
async function resolveUnknown(run: BatchRun, rows: PreparedRow[]): Promise<void> {
  if (run.spec.operation !== 'insert') {
    for (const r of rows) run.resent.add(r.row);
    return;
  }
  const marker = run.markerField;
  const values = marker ? rows.map((r) => markerOf(r.record, marker)).filter((v): v is string | number | boolean => v !== undefined) : [];
  if (!marker || values.length !== rows.length) {
    for (const r of rows) {
      run.outcomes.set(r.row, saidOutcome('doubt', 'DMS_IN_DOUBT', 'row.run.inDoubtCollections'));
    }
    run.log.warn({ rows: rows.length }, 'insert call outcome unknown and no marker field: rows in doubt');
    return;
  }
  const found = await findByField(run.session, run.describe, marker, values);
  let reconciled = 0;
  for (const r of rows) {
    const hit = found.get(matchKey(run.describe, marker, markerOf(r.record, marker)));
    if (hit) {
      run.outcomes.set(r.row, { status: 'ok', id: String(hit.Id), created: true });
      reconciled++;
    }
  }
  run.log.info({ rows: rows.length, reconciled }, 'insert call outcome reconciled by marker field');
}

function apply(run: BatchRun, rows: PreparedRow[], results: WriteResult[]): string | undefined {
  let transient: string | undefined;
  results.forEach((result, i) => {
    const { row } = rows[i];
    if (result.success) {
      run.outcomes.set(row, { status: 'ok', id: result.id, created: run.spec.operation === 'insert' ? true : result.created ?? false });
      return;
    }
    const error = result.errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'no error given', fields: [] };
    if (error.statusCode === 'ENTITY_IS_DELETED' && run.spec.operation === 'delete' && run.resent.has(row)) {
      run.outcomes.set(row, { status: 'ok', id: String(rows[i].record.Id), created: false });
    } else if (isTransientRowError(error.statusCode)) {
      transient = error.statusCode; // left without outcome: the next round sends it again
    } else {
      run.outcomes.set(row, { status: 'fail', code: error.statusCode, message: error.message, fields: error.fields });
    }
  });
  return transient;
}

/** Sends one call, retrying only what Salesforce certainly did not apply. Returns the results, or 'unknown'. */
async function send(run: BatchRun, rows: PreparedRow[]): Promise<WriteResult[] | 'unknown' | 'failed'> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeCollection(run.session, run.spec, rows.map((r) => r.record));
    } catch (thrown) {
      const error = toSalesforceError(thrown);
      if (error.dailyLimit) await run.pauseFor(limitReached(error.message));
      if (error.transient && error.outcome === 'unknown') return 'unknown';
      if (!error.transient || attempt + 1 >= run.migration.options.maxAttempts) {
        for (const r of rows) run.outcomes.set(r.row, { status: 'fail', code: error.errorCode, message: error.message, fields: error.options.fields });
        return 'failed';
      }
      run.log.warn({ code: error.errorCode, attempt }, 'transient Collections failure; backing off');
      await sleep(backoffMs(attempt));
    }
  }
}

export async function writeThroughCollections(run: BatchRun, prepared: readonly PreparedRow[]): Promise<void> {
  const pending = run.batch.pendingCall;
  if (pending) {
    const inFlight = new Set(pending.rows);
    await resolveUnknown(run, prepared.filter((r) => inFlight.has(r.row) && !run.outcomes.has(r.row)));
    run.batch.pendingCall = undefined;
    await run.save();
  }
  let lastTransient = 'UNABLE_TO_LOCK_ROW';
  for (let round = 0; ; round++) {
    const rows = pendingRows(run, prepared);
    if (rows.length === 0) return;
    if (round >= run.migration.options.maxAttempts) {
      failRemaining(run, lastTransient, `Still failing after ${round} attempts`);
      return;
    }
    if (round > 0) await sleep(backoffMs(round - 1));
    for (let i = 0; i < rows.length; i += COLLECTIONS_MAX) {
      const slice = rows.slice(i, i + COLLECTIONS_MAX);
      await run.checkStop();
      await run.ensureBudget(1);
      run.batch.pendingCall = { rows: slice.map((r) => r.row), startedAt: new Date().toISOString() };
      await run.save({ salesforce: 'collections' });
      const results = await send(run, slice);
      run.batch.calls++;
      if (results === 'unknown') await resolveUnknown(run, slice);
      else if (results !== 'failed') lastTransient = apply(run, slice, results) ?? lastTransient;
      run.batch.pendingCall = undefined;
    }
  }
}
