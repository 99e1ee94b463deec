import { Router, type Request, type Response } from 'express';
import { deleteRecord, insertRecord, RequestKeys, updateRecord, upsertRecord, type WriteOutcome } from '../data/dml.js';
import { ERR, SfError } from '../data/sf-error.js';
import type { Table, Undo } from '../data/table.js';
import { jsonColumns, type Column } from '../data/validate-record.js';
import type { EmulatorState } from '../state.js';
import { isPlainObject, tableOr404, versionOf, writeContext } from './context.js';
import { recordJson } from './record-json.js';
import { resultItem, sendErrors, sendSfErrors } from './respond.js';

const MAX_RECORDS = 200;

function tooMany(res: Response): void {
  sendErrors(res, 400, [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' }]);
}

type Prepared = { table: Table; columns: Column[]; values: unknown[]; record: Record<string, unknown> };

/** Resolves every record's type and fields first: an unknown type or field rejects the whole request (400). */
function prepare(state: EmulatorState, res: Response, records: unknown, fixedType?: Table): Prepared[] | undefined {
  if (!Array.isArray(records)) {
    sendErrors(res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'records must be an array' }]);
    return undefined;
  }
  if (records.length > MAX_RECORDS) {
    tooMany(res);
    return undefined;
  }
  const prepared: Prepared[] = [];
  for (const record of records) {
    const type = isPlainObject(record) && isPlainObject(record.attributes) ? record.attributes.type : undefined;
    const table = fixedType ?? (typeof type === 'string' ? state.store.table(type) : undefined);
    if (!isPlainObject(record) || !table) {
      sendErrors(res, 400, [{ errorCode: 'INVALID_TYPE', message: `sObject type '${String(type)}' is not supported. Every record needs attributes.type.` }]);
      return undefined;
    }
    const parsed = jsonColumns(state.store, table, record);
    if (parsed instanceof SfError) {
      sendSfErrors(res, 400, [parsed]);
      return undefined;
    }
    prepared.push({ table, record, ...parsed });
  }
  return prepared;
}

/** Runs the writes in input order; with allOrNone, any failure undoes all and marks the others rolled back. */
function run<T>(state: EmulatorState, res: Response, items: T[], allOrNone: boolean, write: (item: T, journal?: Undo[]) => WriteOutcome, keepId: boolean, upsert = false): void {
  const journal: Undo[] | undefined = allOrNone ? [] : undefined;
  const outcomes = items.map((item) => write(item, journal));
  const failed = outcomes.some((o) => o.errors);
  if (journal && failed) {
    for (const undo of journal.reverse()) undo();
  }
  res.json(outcomes.map((o) => {
    const errors = o.errors ?? (journal && failed ? [ERR.rolledBack()] : null);
    const id = errors && !keepId ? null : o.id;
    return resultItem(id, errors, upsert ? o.created || (journal !== undefined && failed) : undefined);
  }));
}

const allOrNoneOf = (req: Request) => req.body?.allOrNone === true;

/** sObject Collections: create, update, upsert, delete and retrieve, at most 200 records per call. */
export function collectionsRouter(state: EmulatorState): Router {
  const router = Router({ mergeParams: true });
  router.post('/composite/sobjects', (req, res) => {
    const prepared = prepare(state, res, req.body?.records);
    if (!prepared) return;
    run(state, res, prepared, allOrNoneOf(req), (p, journal) =>
      insertRecord(writeContext(state, res, journal), p.table, p.columns, p.values, 'json'), false);
  });
  router.patch('/composite/sobjects', (req, res) => {
    const prepared = prepare(state, res, req.body?.records);
    if (!prepared) return;
    run(state, res, prepared, allOrNoneOf(req), (p, journal) =>
      updateRecord(writeContext(state, res, journal), p.table, p.record.id ?? p.record.Id, p.columns, p.values, 'json'), true);
  });
  router.patch('/composite/sobjects/:object/:field', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const fi = table.schema.byLower.get(String(req.params.field).toLowerCase());
    const f = fi === undefined ? undefined : table.schema.fields[fi];
    if (fi === undefined || !f || !(f.externalId || f.idLookup)) {
      return sendErrors(res, 400, [{ errorCode: 'INVALID_FIELD', message: `Field name provided, ${req.params.field} is not an External ID or indexed field for ${table.schema.name}` }]);
    }
    const prepared = prepare(state, res, req.body?.records, table);
    if (!prepared) return;
    const keysInRequest = new RequestKeys();
    run(state, res, prepared, allOrNoneOf(req), (p, journal) =>
      upsertRecord(writeContext(state, res, journal), table, fi, p.columns, p.values, 'json', keysInRequest), true, true);
  });
  router.delete('/composite/sobjects', (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean) : [];
    if (ids.length === 0) return sendErrors(res, 400, [{ errorCode: 'MISSING_ARGUMENT', message: 'ids parameter is required' }]);
    if (ids.length > MAX_RECORDS) return tooMany(res);
    run(state, res, ids, req.query.allOrNone === 'true', (id, journal) =>
      deleteRecord(writeContext(state, res, journal), id, false), true);
  });
  const retrieve = (req: Request, res: Response, ids: unknown, fields: unknown) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const idList = Array.isArray(ids) ? ids.map(String) : typeof ids === 'string' ? ids.split(',') : [];
    const names = Array.isArray(fields) ? fields.map(String) : typeof fields === 'string' ? fields.split(',') : [];
    if (idList.length > 2000) return tooMany(res);
    const indexes = names.map((n) => table.schema.byLower.get(n.trim().toLowerCase()));
    const unknown = names.find((_n, i) => indexes[i] === undefined);
    if (unknown || names.length === 0) {
      return sendErrors(res, 400, [{ errorCode: 'INVALID_FIELD', message: `No such column '${unknown ?? ''}' on sobject of type ${table.schema.name}` }]);
    }
    const ctx = writeContext(state, res);
    res.json(idList.map((id) => {
      const found = ctx.store.find(id.trim());
      return found && !found.deleted && found.table === table
        ? recordJson(table, String(table.get(found.row, 0)), found.row, versionOf(req), indexes as number[])
        : null;
    }));
  };
  router.post('/composite/sobjects/:object', (req, res) => retrieve(req, res, req.body?.ids, req.body?.fields));
  router.get('/composite/sobjects/:object', (req, res) => retrieve(req, res, req.query.ids, req.query.fields));
  return router;
}
