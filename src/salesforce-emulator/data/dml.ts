import { keyPrefixOf, toId18 } from '../../salesforce/record-id.js';
import { formatDateTime } from './coerce.js';
import type { RecordsStore } from './records-store.js';
import { defaultRecordTypeId, isRecordTypeField } from './record-types.js';
import { ERR, SfError } from './sf-error.js';
import { indexKey, type Row, type Table, type Undo, type Value } from './table.js';
import { buildChanges, type Column, type Source } from './validate-record.js';

/** Who writes, and the per-request fault settings that apply to each record. */
export interface WriteContext {
  store: RecordsStore;
  userId: string;
  lockRatio: number;
  random: () => number;
  /** When set, every change is recorded so an allOrNone request can be rolled back. */
  journal?: Undo[];
}

export interface WriteOutcome {
  id: string | null;
  created: boolean;
  errors: SfError[] | null;
}

const fail = (errors: SfError[], id: string | null = null): WriteOutcome => ({ id, created: false, errors });

function locked(ctx: WriteContext): boolean {
  return ctx.lockRatio > 0 && ctx.random() < ctx.lockRatio;
}

function uniqueViolation(table: Table, changes: Value[], selfId: string | null): SfError | null {
  for (const fi of table.schema.uniqueFields) {
    const field = table.schema.fields[fi];
    if (!field.unique) continue;
    for (let i = 0; i < changes.length; i += 2) {
      if (changes[i] !== fi || changes[i + 1] === null) continue;
      const other = table.findOther(fi, changes[i + 1], selfId);
      if (other) return new SfError('DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${other}`);
    }
  }
  return null;
}

/** Keeps the derived Name of person objects (Contact, Lead, User) in step with First/LastName. */
function deriveName(table: Table, row: Row): void {
  const names = table.schema.derivedName;
  if (!names) return;
  const first = names.first >= 0 ? table.get(row, names.first) : null;
  const last = table.get(row, names.last);
  table.set(row, names.name, first !== null && first !== '' ? (last !== null && last !== '' ? `${first} ${last}` : String(first)) : last);
}

let lastMs = 0;
let lastStamp = '';
/** The current timestamp, formatted once per millisecond (bulk jobs stamp many rows in the same one). */
function nowStamp(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastStamp = formatDateTime(ms);
  }
  return lastStamp;
}

function stamp(ctx: WriteContext, table: Table, row: Row, insert: boolean): void {
  const now = nowStamp();
  const audit = table.schema.audit;
  if (insert) {
    if (audit.createdDate >= 0) table.set(row, audit.createdDate, now);
    if (audit.createdById >= 0) table.set(row, audit.createdById, ctx.userId);
    if (audit.isDeleted >= 0) table.set(row, audit.isDeleted, false);
  }
  if (audit.lastModifiedDate >= 0) table.set(row, audit.lastModifiedDate, now);
  if (audit.lastModifiedById >= 0) table.set(row, audit.lastModifiedById, ctx.userId);
  if (audit.systemModstamp >= 0) table.set(row, audit.systemModstamp, now);
}

type DefaultRule =
  | { fi: number; kind: 'value'; value: Value }
  | { fi: number; kind: 'owner' | 'autoNumber' | 'recordType' };
const defaultsCache = new WeakMap<Table, DefaultRule[]>();

/** Defaults filled on insert when a field is not given: booleans, owner, auto numbers, default picklist values. */
function defaultsOf(table: Table): DefaultRule[] {
  let rules = defaultsCache.get(table);
  if (!rules) {
    rules = table.schema.fields.flatMap((f, fi): DefaultRule[] => {
      if (f.type === 'boolean' && f.name !== 'IsDeleted') return [{ fi, kind: 'value', value: f.defaultValue === true }];
      if (f.name === 'OwnerId') return [{ fi, kind: 'owner' }];
      if (f.autoNumber) return [{ fi, kind: 'autoNumber' }];
      if (isRecordTypeField(f)) return [{ fi, kind: 'recordType' }];
      const picklistDefault = f.picklistValues.find((p) => p.defaultValue && p.active);
      return picklistDefault ? [{ fi, kind: 'value', value: picklistDefault.value }] : [];
    });
    defaultsCache.set(table, rules);
  }
  return rules;
}

function defaultValue(ctx: WriteContext, table: Table, rule: DefaultRule): Value {
  switch (rule.kind) {
    case 'value': return rule.value;
    case 'owner': return ctx.userId;
    case 'recordType': return defaultRecordTypeId(ctx.store, table.schema.name);
    default: return String(ctx.store.sequence).padStart(8, '0');
  }
}

function applyDefaults(ctx: WriteContext, table: Table, row: Row): void {
  for (const rule of defaultsOf(table)) {
    if (table.get(row, rule.fi) !== null) continue;
    table.set(row, rule.fi, defaultValue(ctx, table, rule));
  }
}

export function insertRecord(ctx: WriteContext, table: Table, columns: Column[], values: unknown[], source: Source): WriteOutcome {
  const changes = buildChanges(ctx.store, table, columns, values, 'insert', source);
  if (changes[0] instanceof SfError) return fail(changes as SfError[]);
  const duplicate = uniqueViolation(table, changes as Value[], null);
  if (duplicate) return fail([duplicate]);
  if (locked(ctx)) return fail([ERR.lock(undefined)]);
  const id = ctx.store.newId(table.schema);
  const row: Row = [];
  table.set(row, 0, id);
  stamp(ctx, table, row, true);
  for (let i = 0; i < changes.length; i += 2) table.set(row, changes[i] as number, changes[i + 1] as Value);
  applyDefaults(ctx, table, row);
  deriveName(table, row);
  table.put(id, row, ctx.journal);
  ctx.store.dirty = true;
  return { id, created: true, errors: null };
}

/** Finds the live record `rawId` of `table`, or the error an org gives for a wrong, unknown or deleted id. */
export function findLive(ctx: WriteContext, table: Table, rawId: unknown): { id: string; row: Row } | SfError {
  if (rawId === undefined || rawId === null || rawId === '') return ERR.missingId();
  const id = toId18(String(rawId));
  if (!id || keyPrefixOf(id) !== table.schema.keyPrefix) return ERR.malformedId('Record ID', String(rawId), 'Id');
  const row = table.row(id);
  if (row) return { id, row };
  return table.isDeleted(id) ? ERR.deleted() : ERR.crossReference();
}

export function updateRecord(ctx: WriteContext, table: Table, rawId: unknown, columns: Column[], values: unknown[], source: Source): WriteOutcome {
  const found = findLive(ctx, table, rawId);
  if (found instanceof SfError) return fail([found], typeof rawId === 'string' ? toId18(rawId) ?? rawId : null);
  return updateFound(ctx, table, found.id, found.row, columns, values, source);
}

function updateFound(ctx: WriteContext, table: Table, id: string, row: Row, columns: Column[], values: unknown[], source: Source): WriteOutcome {
  const changes = buildChanges(ctx.store, table, columns, values, 'update', source);
  if (changes[0] instanceof SfError) return fail(changes as SfError[], id);
  const duplicate = uniqueViolation(table, changes as Value[], id);
  if (duplicate) return fail([duplicate], id);
  if (locked(ctx)) return fail([ERR.lock(id)], id);
  table.apply(row, changes as Value[]);
  stamp(ctx, table, row, false);
  deriveName(table, row);
  table.put(id, row, ctx.journal);
  ctx.store.dirty = true;
  return { id, created: false, errors: null };
}

/**
 * The upsert keys a request has seen (a key repeated within one request is DUPLICATE_EXTERNAL_ID): `seen` gets
 * the key and the ids of the records that hold it now; `remember` the outcome of the row that used it.
 */
export interface KeysSeen {
  seen(key: string, ids: string[]): boolean;
  remember(key: string, outcome: WriteOutcome): void;
}

/** The keys of one Collections call (at most 200), kept as text. */
export class RequestKeys implements KeysSeen {
  private readonly keys = new Set<string>();

  seen(key: string): boolean {
    return this.keys.has(key);
  }

  remember(key: string): void {
    this.keys.add(key);
  }
}

/**
 * Upsert keyed on `extFi` (an external-id or idLookup field, or Id): one match updates, none inserts, several fail.
 * `keysInRequest` (one per Collections call or Bulk job): a key repeated within the same request is refused with
 * DUPLICATE_EXTERNAL_ID, as Salesforce does, instead of being applied twice.
 */
export function upsertRecord(ctx: WriteContext, table: Table, extFi: number, columns: Column[], values: unknown[], source: Source, keysInRequest?: KeysSeen): WriteOutcome {
  const extField = table.schema.fields[extFi];
  const at = columns.findIndex((c) => c.kind === 'field' && c.fi === extFi);
  const raw = at < 0 ? undefined : values[at];
  if (raw === undefined || raw === null || raw === '' || raw === '#N/A') {
    if (extField.type === 'id') return insertRecord(ctx, table, columns, values, source);
    return fail([new SfError('MISSING_ARGUMENT', `${extField.name} not specified`, [extField.name])]);
  }
  if (extField.type === 'id') return updateRecord(ctx, table, raw, columns, values, source);
  const ids = table.lookup(extFi, raw as Value);
  const key = keysInRequest ? indexKey(extField, raw as Value) : null;
  if (key !== null && keysInRequest?.seen(key, ids)) {
    return fail([new SfError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${String(raw)}`, [extField.name])]);
  }
  const outcome = ids.length > 1
    ? fail([new SfError('DUPLICATE_EXTERNAL_ID', `${extField.label}: more than one record found for external id field: [${ids.join(', ')}]`, [extField.name])])
    : ids.length === 0 ? insertRecord(ctx, table, columns, values, source) : updateFound(ctx, table, ids[0], table.row(ids[0])!, columns, values, source);
  if (key !== null) keysInRequest?.remember(key, outcome);
  return outcome;
}

/** Deletes a record of any object; hard deletes skip (or empty) the recycle bin. */
export function deleteRecord(ctx: WriteContext, rawId: unknown, hard: boolean, only?: Table): WriteOutcome {
  const text = typeof rawId === 'string' ? rawId.trim() : '';
  const id = toId18(text);
  if (!id || (only && keyPrefixOf(id) !== only.schema.keyPrefix)) return fail([new SfError('MALFORMED_ID', `malformed id ${text}`)], text || null);
  const found = ctx.store.find(id);
  if (!found) return fail([ERR.crossReference()], id);
  if (found.deleted && !hard) return fail([ERR.deleted()], id);
  // RecordType and Organization have no delete() call.
  if (found.table.schema.spec.extra?.deletable === false) {
    return fail([new SfError('INVALID_TYPE_FOR_OPERATION', 'entity type cannot be deleted')], id);
  }
  if (locked(ctx)) return fail([ERR.lock(id)], id);
  const isDeletedFi = found.table.schema.audit.isDeleted;
  if (!hard && isDeletedFi >= 0) found.table.set(found.row, isDeletedFi, true);
  found.table.remove(id, hard, ctx.journal, found.row);
  ctx.store.dirty = true;
  return { id, created: false, errors: null };
}
