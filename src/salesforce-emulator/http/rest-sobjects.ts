import { Router, type Request, type Response } from 'express';
import { toId18 } from '../../salesforce/record-id.js';
import { findLive, insertRecord, updateRecord, upsertRecord } from '../data/dml.js';
import { deleteRecord } from '../data/dml.js';
import { recordTypeEntries } from '../data/record-types.js';
import { SfError } from '../data/sf-error.js';
import type { Table } from '../data/table.js';
import { jsonColumns, resolveColumn, type Column } from '../data/validate-record.js';
import { describeGlobal, describeObject, globalEntry } from '../describe/describe-json.js';
import type { EmulatorState } from '../state.js';
import { isPlainObject, tableOr404, versionOf, writeContext } from './context.js';
import { recordJson } from './record-json.js';
import { notFound, sendErrors, sendSfErrors } from './respond.js';

function bodyColumns(state: EmulatorState, table: Table, req: Request, res: Response): { columns: Column[]; values: unknown[] } | undefined {
  if (!isPlainObject(req.body)) {
    sendErrors(res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'The request body must be a JSON object' }]);
    return undefined;
  }
  const parsed = jsonColumns(state.store, table, req.body);
  if (parsed instanceof SfError) {
    sendSfErrors(res, 400, [parsed]);
    return undefined;
  }
  return parsed;
}

/** Maps a lookup failure of a record addressed in the URL to the status an org answers. */
function sendLookupError(res: Response, error: SfError, rawId: string): void {
  if (error.statusCode === 'ENTITY_IS_DELETED') return sendSfErrors(res, 404, [error]);
  if (error.statusCode === 'MALFORMED_ID' && toId18(rawId)) return sendSfErrors(res, 400, [error]);
  if (error.statusCode === 'MALFORMED_ID') {
    return sendErrors(res, 404, [{ errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${rawId}` }]);
  }
  notFound(res);
}

function lookupField(table: Table, name: string): number | undefined {
  const fi = table.schema.byLower.get(name.toLowerCase());
  const f = fi === undefined ? undefined : table.schema.fields[fi];
  return f && (f.externalId || f.idLookup) ? fi : undefined;
}

/** describeGlobal, describe and single-record CRUD and upsert under /sobjects. */
export function sobjectsRouter(state: EmulatorState): Router {
  const router = Router({ mergeParams: true });
  router.get('/sobjects', (req, res) => {
    res.json(describeGlobal(state.schema, versionOf(req)));
  });
  router.get('/sobjects/:object/describe', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    res.json(describeObject(state.schema, table.schema, versionOf(req), recordTypeEntries(state.store, table.schema)));
  });
  router.get('/sobjects/:object', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (table) res.json({ objectDescribe: globalEntry(table.schema, versionOf(req)), recentItems: [] });
  });
  router.post('/sobjects/:object', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    const body = table && bodyColumns(state, table, req, res);
    if (!table || !body) return;
    const outcome = insertRecord(writeContext(state, res), table, body.columns, body.values, 'json');
    if (outcome.errors) return sendSfErrors(res, 400, outcome.errors);
    res.status(201).json({ id: outcome.id, success: true, errors: [] });
  });
  router.get('/sobjects/:object/:id', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const found = findLive(writeContext(state, res), table, req.params.id);
    if (found instanceof SfError) return sendLookupError(res, found, req.params.id);
    const names = typeof req.query.fields === 'string' ? req.query.fields.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const indexes = names?.map((n) => table.schema.byLower.get(n.toLowerCase()));
    const unknown = names?.find((_n, i) => indexes?.[i] === undefined);
    if (unknown) return sendErrors(res, 400, [{ errorCode: 'INVALID_FIELD', message: `No such column '${unknown}' on sobject of type ${table.schema.name}` }]);
    res.json(recordJson(table, found.id, found.row, versionOf(req), indexes as number[] | undefined));
  });
  router.patch('/sobjects/:object/:id', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    const body = table && bodyColumns(state, table, req, res);
    if (!table || !body) return;
    const ctx = writeContext(state, res);
    const found = findLive(ctx, table, req.params.id);
    if (found instanceof SfError) return sendLookupError(res, found, req.params.id);
    const outcome = updateRecord(ctx, table, found.id, body.columns, body.values, 'json');
    if (outcome.errors) return sendSfErrors(res, 400, outcome.errors);
    res.status(204).end();
  });
  router.delete('/sobjects/:object/:id', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const ctx = writeContext(state, res);
    const found = findLive(ctx, table, req.params.id);
    if (found instanceof SfError) return sendLookupError(res, found, req.params.id);
    const outcome = deleteRecord(ctx, found.id, false, table);
    if (outcome.errors) return sendSfErrors(res, 400, outcome.errors);
    res.status(204).end();
  });
  router.get('/sobjects/:object/:field/:value', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    const fi = table && lookupField(table, req.params.field);
    if (!table || fi === undefined) return notFound(res);
    const ids = table.lookup(fi, req.params.value);
    if (ids.length === 0) return notFound(res);
    if (ids.length > 1) return void res.status(300).json(ids.map((id) => `/services/data/${versionOf(req)}/sobjects/${table.schema.name}/${id}`));
    res.json(recordJson(table, ids[0], table.row(ids[0])!, versionOf(req)));
  });
  router.patch('/sobjects/:object/:field/:value', (req, res) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const fi = lookupField(table, req.params.field);
    if (fi === undefined) {
      return sendErrors(res, 404, [{ errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${req.params.field}` }]);
    }
    const body = bodyColumns(state, table, req, res);
    if (!body) return;
    const ids = table.schema.fields[fi].type === 'id' ? [] : table.lookup(fi, req.params.value);
    if (ids.length > 1) return void res.status(300).json(ids.map((id) => `/services/data/${versionOf(req)}/sobjects/${table.schema.name}/${id}`));
    const keyAt = body.columns.findIndex((c) => c.kind === 'field' && c.fi === fi);
    if (keyAt >= 0) body.values[keyAt] = req.params.value;
    else {
      body.columns.push(resolveColumn(state.store, table, table.schema.fields[fi].name) as Column);
      body.values.push(req.params.value);
    }
    const outcome = upsertRecord(writeContext(state, res), table, fi, body.columns, body.values, 'json');
    if (outcome.errors) return sendSfErrors(res, 400, outcome.errors);
    res.status(outcome.created ? 201 : 200).json({ id: outcome.id, success: true, errors: [], created: outcome.created });
  });
  return router;
}
