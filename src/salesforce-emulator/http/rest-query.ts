import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { columnsMetadata, recordJson, resultCount, runSoql, SoqlError, type QueryOutcome } from '../soql/index.js';
import type { EmulatorState } from '../state.js';
import { versionOf } from './context.js';
import { sendErrors } from './respond.js';

function pageSize(state: EmulatorState, req: Request): number {
  const batch = /batchSize\s*=\s*(\d+)/i.exec(req.get('sforce-query-options') ?? '');
  const requested = batch ? Math.min(2000, Math.max(200, Number(batch[1]))) : 2000;
  return Math.min(requested, state.options.restQueryPageSize);
}

function sendPage(state: EmulatorState, req: Request, res: Response, outcome: QueryOutcome, key: string | null, position: number): void {
  const total = resultCount(outcome);
  // Aggregate results cannot be paged with a query locator: they come in one answer.
  const size = outcome.kind === 'aggregate' ? total : pageSize(state, req);
  const end = Math.min(total, position + size);
  const version = versionOf(req);
  const records = [];
  for (let i = position; i < end; i++) records.push(recordJson(outcome, i, version));
  const done = end >= total;
  let cursor = key;
  if (!done && !cursor) cursor = `01g${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15)}`;
  if (!done && cursor) state.cursors.set(cursor, { outcome, usedAt: Date.now() });
  if (done && key) state.cursors.delete(key);
  const next = done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${cursor}-${end}` };
  res.json({ totalSize: outcome.totalSize, done, ...next, records });
}

/** Closes the cursors not used for the cursor timeout (an org's 15 minutes), so abandoned results are let go. */
function closeIdleCursors(state: EmulatorState): void {
  const before = Date.now() - state.options.queryCursorTimeoutMs;
  for (const [key, cursor] of state.cursors) if (cursor.usedAt < before) state.cursors.delete(key);
}

/** REST /query and /queryAll with nextRecordsUrl paging (queryMore); `columns=true` describes the columns instead. */
export function queryRouter(state: EmulatorState): Router {
  const router = Router({ mergeParams: true });
  const run = (queryAll: boolean) => (req: Request, res: Response) => {
    const soql = req.query.q;
    if (typeof soql !== 'string' || soql.trim() === '') {
      return sendErrors(res, 400, [{ errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' }]);
    }
    closeIdleCursors(state);
    try {
      const outcome = runSoql(state.store, soql, queryAll);
      if (req.query.columns === 'true') return void res.json(columnsMetadata(outcome));
      sendPage(state, req, res, outcome, null, 0);
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      sendErrors(res, 400, [{ errorCode: error.errorCode, message: error.message }]);
    }
  };
  router.get('/query', run(false));
  router.get('/queryAll', run(true));
  const more = (req: Request, res: Response) => {
    closeIdleCursors(state);
    const [key, position] = String(req.params.locator).split('-');
    const cursor = state.cursors.get(key);
    if (!cursor || !/^\d+$/.test(position ?? '')) {
      return sendErrors(res, 400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    }
    sendPage(state, req, res, cursor.outcome, key, Number(position));
  };
  router.get('/query/:locator', more);
  router.get('/queryAll/:locator', more);
  return router;
}
