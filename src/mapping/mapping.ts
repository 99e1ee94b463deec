import { z } from 'zod';
import { AppError } from '../errors.js';
import { Literal, type Frame, type Value } from '../frame/index.js';
import {
  fieldByName, requiredOnInsert, type DescribeSObjectResult, type Field, type WriteOperation,
} from './describe-types.js';

/** A dataset column written to a field as is. */
export const FieldEntry = z.object({ column: z.string().min(1), field: z.string().min(1) });

/**
 * A column holding the parent's external id: written as `Account.External_Id__c` (Bulk CSV
 * header) so Salesforce resolves the parent; `field` is the lookup (AccountId).
 */
export const RelationshipEntry = z.object({
  column: z.string().min(1),
  field: z.string().min(1),
  relationshipName: z.string().min(1),
  externalIdField: z.string().min(1),
});

/** The same value for every row (e.g. RecordTypeId, a LeadSource). */
export const ConstantEntry = z.object({ field: z.string().min(1), value: Literal });

export const Mapping = z.object({
  object: z.string().min(1),
  fields: z.array(FieldEntry).default([]),
  relationships: z.array(RelationshipEntry).default([]),
  constants: z.array(ConstantEntry).default([]),
});
export type Mapping = z.infer<typeof Mapping>;
export type RelationshipEntry = z.infer<typeof RelationshipEntry>;

/** The Salesforce key a relationship entry writes: `Account.External_Id__c`. */
export const relationshipKey = (entry: RelationshipEntry): string => `${entry.relationshipName}.${entry.externalIdField}`;

/** The keys a mapping writes, in mapping order: fields, relationship columns, constants. */
export function mappingTargets(mapping: Mapping): string[] {
  return [...new Set([...mapping.fields.map((f) => f.field), ...mapping.relationships.map(relationshipKey), ...mapping.constants.map((c) => c.field)])];
}

/** API names (lower case) that a mapping gives a value to. */
function mappedFields(mapping: Mapping): Set<string> {
  return new Set([
    ...mapping.fields.map((e) => e.field.toLowerCase()),
    ...mapping.relationships.map((e) => e.field.toLowerCase()),
    ...mapping.constants.map((e) => e.field.toLowerCase()),
  ]);
}

export interface UnmappedRequirement { field: string; label: string; reason: string }

/**
 * Required fields the mapping leaves without a value for the operation, flagged before anything
 * runs: insert/upsert need every required-on-insert field (upsert may insert); update, delete and
 * hardDelete need Id; upsert needs its external id field.
 */
export function requiredFieldsUnmapped(
  mapping: Mapping, describe: DescribeSObjectResult, operation: WriteOperation, externalIdField?: string,
): UnmappedRequirement[] {
  const mapped = mappedFields(mapping);
  const missing = (field: Field | undefined, name: string, reason: string): UnmappedRequirement[] =>
    mapped.has(name.toLowerCase()) ? [] : [{ field: field?.name ?? name, label: field?.label ?? name, reason }];
  if (operation !== 'insert' && operation !== 'upsert') {
    return missing(fieldByName(describe, 'Id'), 'Id', `${operation} identifies records by Id`);
  }
  const required = requiredOnInsert(describe)
    .flatMap((f) => missing(f, f.name, 'required on insert (not nillable, no default)'));
  if (operation === 'upsert') {
    const key = externalIdField ?? 'Id';
    required.unshift(...missing(fieldByName(describe, key), key, 'upsert matches records on this external id'));
  }
  return required;
}

export interface MappingProblem { entry: string; message: string }

/** Entries that cannot work against this describe: unknown or read-only fields, fields mapped twice, bad relationships. */
export function checkMapping(mapping: Mapping, describe: DescribeSObjectResult): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const seen = new Set<string>();
  const check = (entry: string, name: string, relationship?: RelationshipEntry): void => {
    const field = fieldByName(describe, name);
    if (!field) { problems.push({ entry, message: `${describe.name} has no field '${name}'` }); return; }
    if (seen.has(field.name)) problems.push({ entry, message: `${field.name} is mapped more than once` });
    seen.add(field.name);
    if (!field.createable && !field.updateable && field.type !== 'id') {
      problems.push({ entry, message: `${field.name} is read-only (formula, auto-number or system field)` });
    }
    if (relationship && (field.type !== 'reference' || field.relationshipName?.toLowerCase() !== relationship.relationshipName.toLowerCase())) {
      problems.push({ entry, message: `${field.name} is not a lookup with relationship name '${relationship.relationshipName}'` });
    }
  };
  mapping.fields.forEach((e) => check(`column ${e.column}`, e.field));
  mapping.relationships.forEach((e) => check(`column ${e.column}`, e.field, e));
  mapping.constants.forEach((e) => check(`constant ${e.field}`, e.field));
  return problems;
}

/** Builds one record from a frame row; `keys` are the record's keys, in their order (the same for every row). */
export interface RecordBuilder {
  (frame: Frame, r: number): Record<string, Value>;
  readonly keys: readonly string[];
  /** Row r's values in `keys` order, into `out` (one array can serve every row: no record is made). */
  fill(frame: Frame, r: number, out: Value[]): void;
}

/** Builds records (API names and relationship keys -> values) from a frame's rows, resolving columns once. */
export function compileRecordBuilder(mapping: Mapping, columns: readonly string[]): RecordBuilder {
  const at = (column: string): number => {
    const c = columns.indexOf(column);
    if (c < 0) throw new AppError('MAPPING_COLUMN_MISSING', 400, `The mapping uses column '${column}', which is not in the data.`);
    return c;
  };
  const plan: [string, number][] = [
    ...mapping.fields.map((e) => [e.field, at(e.column)] as [string, number]),
    ...mapping.relationships.map((e) => [relationshipKey(e), at(e.column)] as [string, number]),
  ];
  const keys = mappingTargets(mapping);
  // Parallel arrays and index loops: this runs for every row of a run.
  const planColumns = plan.map(([, c]) => c);
  const planSlots = plan.map(([key]) => keys.indexOf(key));
  const { constants } = mapping;
  const constantSlots = constants.map((c) => keys.indexOf(c.field));
  // Columns, then constants: a key given twice keeps the last value given to it.
  const fill = (frame: Frame, r: number, out: Value[]): void => {
    out.length = keys.length;
    for (let i = 0; i < planSlots.length; i++) out[planSlots[i]] = frame.data[planColumns[i]][r];
    for (let i = 0; i < constantSlots.length; i++) out[constantSlots[i]] = constants[i].value;
  };
  const values: Value[] = [];
  const build = (frame: Frame, r: number): Record<string, Value> => {
    fill(frame, r, values);
    const record: Record<string, Value> = {};
    for (let k = 0; k < keys.length; k++) record[keys[k]] = values[k];
    return record;
  };
  return Object.assign(build, { keys, fill });
}
