import { keyPrefixOf, toId18 } from '../salesforce/record-id.js';
import type { Value } from '../frame/index.js';
import {
  fieldByName, fieldByRelationship, requiredOnInsert, type DescribeSObjectResult, type Field, type WriteOperation,
} from '../mapping/index.js';
import { checkFieldValue } from './field-value.js';
import { ERRORS, type RecordError } from './record-error.js';

export interface ValidateOptions {
  /** The upsert key (default Id). */
  externalIdField?: string;
  /** Key prefix -> object name for the org (from describeGlobal): lets lookups to the wrong object be caught. */
  keyPrefixes?: Record<string, string>;
  /** Parent describes by object name: lets relationship columns (`Account.External_Id__c`) be checked. */
  parents?: Record<string, DescribeSObjectResult>;
}

type Mode = 'insert' | 'update';

/**
 * How far to look. An org reports the first failing stage; a person fixing a file wants every problem
 * at once (`all`: required fields too when a value was refused). `settled`: keys already failed
 * (by the pipeline) that count as given and are not checked again.
 */
interface Stages { all?: boolean; settled?: ReadonlySet<string> }

/** Values as they will be sent: a Date as ISO text, everything else as is. */
const sent = (value: Value): unknown => (value instanceof Date ? value.toISOString() : value);

/** No value: null, '' (an empty CSV cell). '#N/A' is the explicit null of Salesforce's CSV rules. */
const isEmpty = (value: unknown): boolean => value === null || value === undefined || value === '';

/**
 * The errors Salesforce would report for one record (keys: API names or relationship columns),
 * by stage, the first failing stage alone: key problems, then one error per bad field in key order,
 * then (only when no value was rejected) the missing required fields. Follows CSV rules: empty values are not set (ignored on update) and
 * '#N/A' sets null. Nothing that needs the org's data (parents found, duplicates in the org) is checked.
 */
export function validateRecord(
  record: Record<string, Value>, describe: DescribeSObjectResult, operation: WriteOperation, options: ValidateOptions = {},
  stages: Stages = {},
): RecordError[] {
  const idKey = Object.keys(record).find((k) => k.toLowerCase() === 'id');
  const idValue = idKey === undefined ? undefined : sent(record[idKey]);
  if (operation === 'delete' || operation === 'hardDelete') {
    const text = typeof idValue === 'string' ? idValue.trim() : '';
    const id = toId18(text);
    return !id || (describe.keyPrefix && keyPrefixOf(id) !== describe.keyPrefix) ? [ERRORS.malformedDeleteId(text)] : [];
  }
  let mode: Mode = operation === 'update' ? 'update' : 'insert';
  if (operation === 'upsert') {
    const keyField = fieldByName(describe, options.externalIdField ?? 'Id');
    const keyName = keyField?.name ?? options.externalIdField ?? 'Id';
    const key = Object.keys(record).find((k) => k.toLowerCase() === keyName.toLowerCase());
    const raw = key === undefined ? undefined : sent(record[key]);
    if (isEmpty(raw) || raw === '#N/A') {
      if (keyField?.type !== 'id') return [ERRORS.missingExternalId(keyName)];
    } else if (keyField?.type === 'id') mode = 'update';
  }
  if (mode === 'update') {
    if (isEmpty(idValue)) return [ERRORS.missingId()];
    const id = toId18(String(idValue).trim());
    if (!id || (describe.keyPrefix && keyPrefixOf(id) !== describe.keyPrefix)) return [ERRORS.malformedId('Record ID', String(idValue), 'Id')];
  }
  return checkFields(record, describe, mode, options, stages);
}

/** Every problem of a record, for people: all stages, with `settled` keys (failed before) left alone. */
export function everyRecordError(
  record: Record<string, Value>, describe: DescribeSObjectResult, operation: WriteOperation, options: ValidateOptions,
  settled: ReadonlySet<string>,
): RecordError[] {
  return validateRecord(record, describe, operation, options, { all: true, settled });
}

function checkFields(
  record: Record<string, Value>, describe: DescribeSObjectResult, mode: Mode, options: ValidateOptions, stages: Stages,
): RecordError[] {
  const errors: RecordError[] = [];
  const given = new Set<string>();
  const columns: [string, Field, boolean][] = [];
  for (const key of Object.keys(record)) {
    if (key === 'attributes') continue;
    const resolved = resolveKey(key, describe, options);
    if ('statusCode' in resolved) return [resolved];
    columns.push([key, resolved.field, resolved.relation]);
  }
  for (const [key, f, relation] of columns) {
    if (f.type === 'id') continue;
    if (stages.settled?.has(key)) { given.add(f.name); continue; }
    let raw = sent(record[key]);
    if (isEmpty(raw)) continue;
    if (raw === '#N/A') raw = null;
    let error: RecordError | null = null;
    if (mode === 'insert' ? !f.createable : !f.updateable) error = ERRORS.notWritable(f.name);
    else if (raw === null) {
      if (mode === 'update' && !f.nillable && f.type !== 'boolean') error = ERRORS.required([f.name]);
      else continue;
    } else if (!relation) {
      error = checkFieldValue(f, raw) ?? (f.type === 'reference' ? checkPrefix(f, toId18(String(raw).trim()) as string, options) : null);
    }
    // A refused value is a value all the same: never also "missing".
    if (error) errors.push(error);
    given.add(f.name);
  }
  // An org reports the first failing stage: required fields only when every value was accepted.
  if (mode === 'insert' && (errors.length === 0 || stages.all)) {
    const missing = requiredOnInsert(describe).filter((f) => !given.has(f.name)).map((f) => f.name);
    if (missing.length > 0) errors.push(ERRORS.required(missing));
  }
  return errors;
}

function resolveKey(key: string, describe: DescribeSObjectResult, options: ValidateOptions): { field: Field; relation: boolean } | RecordError {
  const dot = key.indexOf('.');
  if (dot < 0) {
    const field = fieldByName(describe, key);
    return field ? { field, relation: false } : ERRORS.invalidField(key, describe.name);
  }
  const relationName = key.slice(0, dot).replace(/^\w+:/, '');
  const field = fieldByRelationship(describe, relationName);
  if (!field) return ERRORS.invalidField(key, describe.name);
  const parentName = key.slice(0, dot).includes(':') ? key.slice(0, key.indexOf(':')) : field.referenceTo[0];
  const parent = parentName ? options.parents?.[parentName] : undefined;
  if (parent) {
    const parentFieldName = key.slice(dot + 1);
    const parentField = fieldByName(parent, parentFieldName);
    if (!parentField) return ERRORS.invalidField(parentFieldName, parent.name);
    if (!parentField.externalId && !parentField.idLookup) return ERRORS.notIndexed(parentField.name, parent.name);
  }
  return { field, relation: true };
}

/** A lookup id whose key prefix belongs to another object (or to none, when the targets are known) is malformed. */
function checkPrefix(f: Field, id: string, options: ValidateOptions): RecordError | null {
  const prefixes = options.keyPrefixes;
  if (!prefixes) return null;
  const owner = prefixes[keyPrefixOf(id)];
  if (owner) return f.referenceTo.includes(owner) ? null : ERRORS.malformedId(f.label, id, f.name);
  const known = new Set(Object.values(prefixes));
  return f.referenceTo.some((name) => known.has(name)) ? ERRORS.malformedId(f.label, id, f.name) : null;
}
