import { keyPrefixOf } from '../../salesforce/record-id.js';
import type { FieldDescribe } from '../describe/field.js';
import { coerce } from './coerce.js';
import { isRecordTypeField, recordTypeValue } from './record-types.js';
import type { RecordsStore } from './records-store.js';
import { ERR, SfError } from './sf-error.js';
import type { Table, Value } from './table.js';

/**
 * The one place that turns incoming values (REST JSON, collections JSON, Bulk CSV) into stored
 * values, so every API reports the same errors for the same data.
 */
export type Column =
  | { kind: 'field'; name: string; fi: number; field: FieldDescribe }
  | { kind: 'relation'; name: string; fi: number; field: FieldDescribe; parent: Table; parentFi: number; parentField: FieldDescribe };

export type Source = 'json' | 'csv';
export type Mode = 'insert' | 'update';

/** Resolves a field name or a relationship column (`Account.External_Id__c`); an unknown name is an INVALID_FIELD error. */
export function resolveColumn(store: RecordsStore, table: Table, name: string): Column | SfError {
  const schema = table.schema;
  const dot = name.indexOf('.');
  if (dot < 0) {
    const fi = schema.byLower.get(name.toLowerCase());
    return fi === undefined ? ERR.invalidField(name, schema.name) : { kind: 'field', name, fi, field: schema.fields[fi] };
  }
  const relation = name.slice(0, dot).replace(/^\w+:/, '');
  const fi = schema.relationshipByLower.get(relation.toLowerCase());
  const field = fi === undefined ? undefined : schema.fields[fi];
  const parent = field && store.table(name.slice(0, dot).includes(':') ? name.slice(0, name.indexOf(':')) : field.referenceTo[0]);
  if (fi === undefined || !field || !parent) return ERR.invalidField(name, schema.name);
  const parentName = name.slice(dot + 1);
  const parentFi = parent.schema.byLower.get(parentName.toLowerCase());
  const parentField = parentFi === undefined ? undefined : parent.schema.fields[parentFi];
  if (parentFi === undefined || !parentField) return ERR.invalidField(parentName, parent.schema.name);
  if (!parentField.externalId && !parentField.idLookup) {
    return new SfError('INVALID_FIELD', `Field name provided, ${parentField.name} is not an External ID or indexed field for ${parent.schema.name}`);
  }
  return { kind: 'relation', name, fi, field, parent, parentFi, parentField };
}

function checkReference(store: RecordsStore, f: FieldDescribe, id: string): SfError | null {
  const targets = f.referenceTo.map((name) => store.table(name)).filter((t): t is Table => t !== undefined);
  const owner = store.schema.byPrefix.get(keyPrefixOf(id));
  if (owner && !f.referenceTo.includes(owner.name)) return ERR.malformedId(f.label, id, f.name);
  if (!owner) return targets.length > 0 ? ERR.malformedId(f.label, id, f.name) : null;
  const found = store.find(id);
  if (!found) return ERR.crossReference([f.name]);
  return found.deleted ? ERR.deleted() : null;
}

function resolveRelation(column: Extract<Column, { kind: 'relation' }>, raw: unknown): string | SfError {
  const ids = column.parent.lookup(column.parentFi, raw as Value);
  const target = `${column.parentField.name} in entity ${column.parent.schema.name}`;
  if (ids.length === 1) return ids[0];
  if (ids.length === 0) return new SfError('INVALID_FIELD', `Foreign key external ID: ${String(raw)} not found for field ${target}`, [column.field.name]);
  return new SfError('DUPLICATE_EXTERNAL_ID', `Foreign key external ID: ${String(raw)} matched more than one record for field ${target}`, [column.field.name]);
}

/**
 * Builds the [fieldIndex, value, ...] changes of one record. CSV rules: an empty value is not
 * set on insert and ignored on update; `#N/A` means null. The Id column is the caller's key.
 */
export function buildChanges(store: RecordsStore, table: Table, columns: Column[], values: unknown[], mode: Mode, source: Source): Value[] | SfError[] {
  const changes: Value[] = [];
  let errors: SfError[] | null = null;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    const f = column.field;
    if (f.type === 'id') continue;
    let raw = values[i];
    if (raw === undefined) continue;
    if (source === 'csv') {
      if (raw === '') continue;
      if (raw === '#N/A') raw = null;
    }
    let error: SfError | null = null;
    let value: Value | SfError = null;
    if (mode === 'insert' ? !f.createable : !f.updateable) error = ERR.notWritable(f.name);
    else if (raw === null || (source === 'json' && raw === '' && f.type !== 'string' && f.type !== 'textarea')) {
      if (mode === 'update' && !f.nillable && f.type !== 'boolean') error = ERR.required([f.name]);
      else if (mode === 'update') value = null;
      else continue;
    } else {
      value = column.kind === 'relation' ? resolveRelation(column, raw) : coerce(f, raw);
      if (typeof value === 'string' && f.type === 'reference' && column.kind === 'field') {
        if (isRecordTypeField(f)) value = recordTypeValue(store, table.schema.name, value);
        if (typeof value === 'string') error = checkReference(store, f, value);
      }
    }
    if (value instanceof SfError) error = value;
    if (error) (errors ??= []).push(error);
    else changes.push(column.fi, value as Value);
  }
  // A field whose value was rejected is reported once, not also as missing.
  if (mode === 'insert' && !errors) {
    const required = table.schema.required;
    for (let r = 0; r < required.length; r++) {
      if (hasValue(changes, required[r])) continue;
      const missing = required.filter((fi) => !hasValue(changes, fi)).map((fi) => table.schema.fields[fi].name);
      (errors ??= []).push(ERR.required(missing));
      break;
    }
  }
  return errors ?? changes;
}

function hasValue(changes: Value[], fi: number): boolean {
  for (let i = 0; i < changes.length; i += 2) if (changes[i] === fi && changes[i + 1] !== null) return true;
  return false;
}

/** Columns and values of a JSON record; nested objects become relationship columns. */
export function jsonColumns(store: RecordsStore, table: Table, record: Record<string, unknown>): { columns: Column[]; values: unknown[] } | SfError {
  const columns: Column[] = [];
  const values: unknown[] = [];
  for (const [key, raw] of Object.entries(record)) {
    if (key === 'attributes') continue;
    const nested = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw).filter(([k]) => k !== 'attributes') : null;
    const [name, value] = nested && nested.length === 1 ? [`${key}.${nested[0][0]}`, nested[0][1]] : [key, raw];
    const column = resolveColumn(store, table, name);
    if (column instanceof SfError) return column;
    columns.push(column);
    values.push(value);
  }
  return { columns, values };
}
