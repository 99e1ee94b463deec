import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Row } from '../data/table.js';
import { runSoql, SoqlError, type QueryOutcome } from '../soql/evaluate.js';
import type { EmulatorState } from '../state.js';
import { versionOf } from './context.js';
import { sendErrors } from './respond.js';

/** A query result record: fields, with parent fields nested under the relationship name (null when no parent). */
export function queryRecord(outcome: QueryOutcome, row: Row, version: string): Record<string, unknown> {
  const { table } = outcome;
  const id = table.get(row, 0);
  const out: Record<string, unknown> = { attributes: { type: table.schema.name, url: `/services/data/${version}/sobjects/${table.schema.name}/${id}` } };
  for (const column of outcome.columns) {
    const rel = column.relationship;
    if (!rel) {
      out[column.name] = column.get(row);
      continue;
    }
    if (out[rel.name] === undefined) {
      const parentId = table.get(row, rel.fi);
      out[rel.name] = typeof parentId === 'string' && rel.table.rows.has(parentId)
        ? { attributes: { type: rel.table.schema.name, url: `/services/data/${version}/sobjects/${rel.table.schema.name}/${parentId}` } }
        : null;
    }
    const parent = out[rel.name] as Record<string, unknown> | null;
    if (parent) parent[column.field.name] = column.get(row);
  }
  return out;
}

function pageSize(state: EmulatorState, req: Request): number {
  const batch = /batchSize\s*=\s*(\d+)/i.exec(req.get('sforce-query-options') ?? '');
  const requested = batch ? Math.min(2000, Math.max(200, Number(batch[1]))) : 2000;
  return Math.min(requested, state.options.restQueryPageSize);
}

function sendPage(state: EmulatorState, req: Request, res: Response, outcome: QueryOutcome, key: string | null, position: number): void {
  if (outcome.count) {
    res.json({ totalSize: outcome.totalSize, done: true, records: [] });
    return;
  }
  const size = pageSize(state, req);
  const end = Math.min(outcome.rows.length, position + size);
  const version = versionOf(req);
  const records = outcome.rows.slice(position, end).map((row) => queryRecord(outcome, row, version));
  const done = end >= outcome.rows.length;
  let cursor = key;
  if (!done && !cursor) {
    cursor = `01g${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15)}`;
    state.cursors.set(cursor, outcome);
  }
  if (done && key) state.cursors.delete(key);
  res.json({ totalSize: outcome.totalSize, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${cursor}-${end}` }), records });
}

/** REST /query and /queryAll with nextRecordsUrl paging (queryMore). */
export function queryRouter(state: EmulatorState): Router {
  const router = Router({ mergeParams: true });
  const run = (queryAll: boolean) => (req: Request, res: Response) => {
    const soql = req.query.q;
    if (typeof soql !== 'string' || soql.trim() === '') return sendErrors(res, 400, [{ errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' }]);
    try {
      sendPage(state, req, res, runSoql(state.store, soql, queryAll), null, 0);
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      sendErrors(res, 400, [{ errorCode: error.errorCode, message: error.message }]);
    }
  };
  router.get('/query', run(false));
  router.get('/queryAll', run(true));
  const more = (req: Request, res: Response) => {
    const [key, position] = String(req.params.locator).split('-');
    const outcome = state.cursors.get(key);
    if (!outcome || !/^\d+$/.test(position ?? '')) {
      return sendErrors(res, 400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    }
    sendPage(state, req, res, outcome, key, Number(position));
  };
  router.get('/query/:locator', more);
  router.get('/queryAll/:locator', more);
  return router;
}
