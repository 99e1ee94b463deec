import { z } from 'zod';

/**
 * The parts of an sObject describe (salesforce-api.md section 2.2) that mapping and validation
 * read. Properties not listed pass through; absent ones get the defaults a describe would show
 * for a plain optional text field, so hand-written fixtures stay short.
 */
export const PicklistEntry = z.looseObject({
  value: z.string(),
  label: z.string().nullish(),
  active: z.boolean().default(true),
  defaultValue: z.boolean().default(false),
  validFor: z.string().nullish(),
});
export type PicklistEntry = z.infer<typeof PicklistEntry>;

export const Field = z.looseObject({
  name: z.string().min(1),
  label: z.string().default(''),
  /** id, string, textarea, email, phone, url, picklist, multipicklist, combobox, reference, boolean, int, long, double, currency, percent, date, datetime, time, ... */
  type: z.string(),
  soapType: z.string().optional(),
  length: z.number().int().default(0),
  byteLength: z.number().int().optional(),
  digits: z.number().int().default(0),
  precision: z.number().int().default(0),
  scale: z.number().int().default(0),
  nillable: z.boolean().default(true),
  createable: z.boolean().default(true),
  updateable: z.boolean().default(true),
  defaultedOnCreate: z.boolean().default(false),
  externalId: z.boolean().default(false),
  idLookup: z.boolean().default(false),
  unique: z.boolean().default(false),
  caseSensitive: z.boolean().default(false),
  picklistValues: z.array(PicklistEntry).default([]),
  restrictedPicklist: z.boolean().default(false),
  dependentPicklist: z.boolean().optional(),
  controllerName: z.string().nullish(),
  referenceTo: z.array(z.string()).default([]),
  relationshipName: z.string().nullish(),
  calculated: z.boolean().default(false),
  autoNumber: z.boolean().default(false),
  defaultValue: z.unknown().optional(),
  custom: z.boolean().default(false),
  nameField: z.boolean().default(false),
});
export type Field = z.infer<typeof Field>;

export const DescribeSObjectResult = z.looseObject({
  name: z.string().min(1),
  label: z.string().default(''),
  keyPrefix: z.string().nullish(),
  custom: z.boolean().default(false),
  createable: z.boolean().default(true),
  updateable: z.boolean().default(true),
  deletable: z.boolean().default(true),
  fields: z.array(Field),
});
export type DescribeSObjectResult = z.infer<typeof DescribeSObjectResult>;

/** The write operations DMS offers (the same as Data Loader). */
export const WriteOperation = z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']);
export type WriteOperation = z.infer<typeof WriteOperation>;

/** Fields a record must carry on insert: createable, not nillable, not defaulted (booleans never count). */
export function isRequiredOnInsert(field: Field): boolean {
  return field.createable && !field.nillable && !field.defaultedOnCreate && field.type !== 'boolean';
}

interface DescribeIndex { byLower: Map<string, Field>; byRelationship: Map<string, Field>; requiredOnInsert: Field[] }
const indexes = new WeakMap<DescribeSObjectResult, DescribeIndex>();

/** Lookups built once per describe object (validation asks them for every cell). */
function indexOf(describe: DescribeSObjectResult): DescribeIndex {
  let index = indexes.get(describe);
  if (!index) {
    index = { byLower: new Map(), byRelationship: new Map(), requiredOnInsert: describe.fields.filter(isRequiredOnInsert) };
    for (const f of describe.fields) {
      index.byLower.set(f.name.toLowerCase(), f);
      if (f.type === 'reference' && f.relationshipName) index.byRelationship.set(f.relationshipName.toLowerCase(), f);
    }
    indexes.set(describe, index);
  }
  return index;
}

/** Case-insensitive field lookup, as the API matches names. */
export function fieldByName(describe: DescribeSObjectResult, name: string): Field | undefined {
  return indexOf(describe).byLower.get(name.toLowerCase());
}

/** The reference field whose relationshipName is `name` (`Account` -> AccountId, `Parent__r` -> Parent__c). */
export function fieldByRelationship(describe: DescribeSObjectResult, name: string): Field | undefined {
  return indexOf(describe).byRelationship.get(name.toLowerCase());
}

/** The fields an insert must give a value to. */
export function requiredOnInsert(describe: DescribeSObjectResult): readonly Field[] {
  return indexOf(describe).requiredOnInsert;
}
