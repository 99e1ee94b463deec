import { keyPrefixOf, toId18 } from '../salesforce/record-id.js';
import type { Value } from '../frame/index.js';
import {
  fieldByName, fieldByRelationship, requiredOnInsert, type DescribeSObjectResult, type Field, type WriteOperation,
} from '../mapping/index.js';
import { fieldChecker, type FieldChecker } from './field-value.js';
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

/** The default: the first failing stage, nothing settled (one object for every record: it is only read). */
const NO_STAGES: Stages = Object.freeze({});

/** Values as they will be sent: a Date as ISO text, everything else as is. */
const sent = (value: Value): unknown => (value instanceof Date ? value.toISOString() : value);

/** No value: null, '' (an empty CSV cell). '#N/A' is the explicit null of Salesforce's CSV rules. */
const isEmpty = (value: unknown): boolean => value === null || value === undefined || value === '';

/** What a record key names: a field of the object, or (`relation`) a relationship column that sets one. */
interface ResolvedKey { field: Field; relation: boolean }

/**
 * One key of a shape: where its value is among the record's values (`at`), its field and, for a field's own value
 * (null for a relationship column), the check compiled for it.
 */
interface KeyPlan extends ResolvedKey { key: string; at: number; check: FieldChecker | null }

/**
 * What every record with one list of keys needs, worked out once (a batch's records all have the mapping's keys):
 * where its Id and upsert key are, each key's field and checker, and which keys give each field an insert requires.
 */
interface Shape {
  keys: readonly string[];
  idIndex: number;
  upsertIndex: number;
  /** The first key that names no field: such records get its error (made afresh: callers may keep or change it). */
  unknownKey?: string;
  /** Keys but 'attributes', in order. */
  plans: KeyPlan[];
  required: { name: string; plans: number[] }[];
  /** Which plans gave a value, per record: reused (a check runs to its end before the next starts). */
  given: boolean[];
}

/** The shape of one validator's records, the last one kept: every record its callers check has the mapping's keys. */
class ShapeCache {
  private last?: Shape;

  constructor(private readonly describe: DescribeSObjectResult, private readonly options: ValidateOptions, private readonly upsertLower: string) {}

  of(keys: readonly string[]): Shape {
    if (!this.last || !sameKeys(this.last.keys, keys)) this.last = this.compile(keys);
    return this.last;
  }

  /** The shape of records with `keys`, made afresh (a validator for one list of keys keeps its own). */
  compile(keys: readonly string[]): Shape {
    const plans: KeyPlan[] = [];
    let unknownKey: string | undefined;
    for (let at = 0; at < keys.length; at++) {
      const key = keys[at];
      if (key === 'attributes') continue;
      const found = resolveKey(key, this.describe, this.options);
      if ('statusCode' in found) {
        unknownKey ??= key;
        continue;
      }
      plans.push({ key, at, ...found, check: found.relation ? null : fieldChecker(found.field) });
    }
    const required = requiredOnInsert(this.describe).map(({ name }) => ({
      name, plans: plans.flatMap((p, c) => (p.field.name === name ? [c] : [])),
    }));
    return {
      keys, plans, required, unknownKey, given: plans.map(() => false),
      idIndex: keys.findIndex((k) => k.toLowerCase() === 'id'),
      upsertIndex: keys.findIndex((k) => k.toLowerCase() === this.upsertLower),
    };
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks records of one object and operation: what validateRecord says of each, with the keys resolved once. */
export interface RecordValidator {
  (record: Record<string, Value>, stages?: Stages): RecordError[];
  /**
   * The same check of records that all have `keys`, each given as its values in key order: no record object, and one
   * array can serve every row (the run's prepare checks a million rows this way).
   */
  forKeys(keys: readonly string[]): (values: readonly Value[], stages?: Stages) => RecordError[];
}

/**
 * The errors Salesforce would report for one record (keys: API names or relationship columns),
 * by stage, the first failing stage alone: key problems, then one error per bad field in key order,
 * then (only when no value was rejected) the missing required fields. Follows CSV rules: empty values are not set (ignored on update) and
 * '#N/A' sets null. Nothing that needs the org's data (parents found, duplicates in the org) is checked.
 * Made once for many records (a batch, a chunk): each key is looked up in describe once.
 */
export function recordValidator(describe: DescribeSObjectResult, operation: WriteOperation, options: ValidateOptions = {}): RecordValidator {
  // An upsert's key field, looked up once for every record.
  const upsertField = operation === 'upsert' ? fieldByName(describe, options.externalIdField ?? 'Id') : undefined;
  const upsertName = upsertField?.name ?? options.externalIdField ?? 'Id';
  const shapes = new ShapeCache(describe, options, upsertName.toLowerCase());
  const check = (values: readonly Value[], shape: Shape, stages: Stages): RecordError[] => {
    const idValue = shape.idIndex < 0 ? undefined : sent(values[shape.idIndex]);
    if (operation === 'delete' || operation === 'hardDelete') {
      const text = typeof idValue === 'string' ? idValue.trim() : '';
      const id = toId18(text);
      return !id || (describe.keyPrefix && keyPrefixOf(id) !== describe.keyPrefix) ? [ERRORS.malformedDeleteId(text)] : [];
    }
    let mode: Mode = operation === 'update' ? 'update' : 'insert';
    if (operation === 'upsert') {
      const raw = shape.upsertIndex < 0 ? undefined : sent(values[shape.upsertIndex]);
      if (isEmpty(raw) || raw === '#N/A') {
        if (upsertField?.type !== 'id') return [ERRORS.missingExternalId(upsertName)];
      } else if (upsertField?.type === 'id') mode = 'update';
    }
    if (mode === 'update') {
      if (isEmpty(idValue)) return [ERRORS.missingId()];
      const id = toId18(String(idValue).trim());
      if (!id || (describe.keyPrefix && keyPrefixOf(id) !== describe.keyPrefix)) return [ERRORS.malformedId('Record ID', String(idValue), 'Id')];
    }
    if (shape.unknownKey !== undefined) return [resolveKey(shape.unknownKey, describe, options) as RecordError];
    return checkFields(values, shape, mode, options, stages);
  };
  /** A record's values in its keys' order, into one array reused from record to record. */
  const values: Value[] = [];
  const validate = (record: Record<string, Value>, stages = NO_STAGES): RecordError[] => {
    const keys = Object.keys(record);
    values.length = keys.length;
    for (let k = 0; k < keys.length; k++) values[k] = record[keys[k]];
    return check(values, shapes.of(keys), stages);
  };
  return Object.assign(validate, {
    forKeys(keys: readonly string[]) {
      const shape = shapes.compile(keys);
      return (given: readonly Value[], stages = NO_STAGES) => check(given, shape, stages);
    },
  });
}

/** validateRecord for one record (a validator made for many records resolves each key once). */
export function validateRecord(
  record: Record<string, Value>, describe: DescribeSObjectResult, operation: WriteOperation, options: ValidateOptions = {},
  stages: Stages = {},
): RecordError[] {
  return recordValidator(describe, operation, options)(record, stages);
}

function checkFields(values: readonly Value[], shape: Shape, mode: Mode, options: ValidateOptions, stages: Stages): RecordError[] {
  const errors: RecordError[] = [];
  const { plans, given } = shape;
  for (let c = 0; c < plans.length; c++) {
    given[c] = false;
    const { key, at, field: f, check } = plans[c];
    if (f.type === 'id') continue;
    if (stages.settled?.has(key)) { given[c] = true; continue; }
    let raw = sent(values[at]);
    if (isEmpty(raw)) continue;
    if (raw === '#N/A') raw = null;
    let error: RecordError | null = null;
    if (mode === 'insert' ? !f.createable : !f.updateable) error = ERRORS.notWritable(f.name);
    else if (raw === null) {
      if (mode === 'update' && !f.nillable && f.type !== 'boolean') error = ERRORS.required([f.name]);
      else continue;
    } else if (check) {
      error = check(raw) ?? (f.type === 'reference' ? checkPrefix(f, toId18(String(raw).trim()) as string, options) : null);
    }
    // A refused value is a value all the same: never also "missing".
    if (error) errors.push(error);
    given[c] = true;
  }
  // An org reports the first failing stage: required fields only when every value was accepted.
  if (mode === 'insert' && (errors.length === 0 || stages.all)) {
    const missing = missingRequired(shape);
    if (missing.length > 0) errors.push(ERRORS.required(missing));
  }
  return errors;
}

/** The fields an insert requires that no key of the record gave a value to (in describe order). */
function missingRequired({ required, given }: Shape): string[] {
  const missing: string[] = [];
  for (const { name, plans } of required) {
    let found = false;
    for (const c of plans) found ||= given[c];
    if (!found) missing.push(name);
  }
  return missing;
}

function resolveKey(key: string, describe: DescribeSObjectResult, options: ValidateOptions): ResolvedKey | RecordError {
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
