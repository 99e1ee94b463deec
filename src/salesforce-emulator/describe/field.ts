import { z } from 'zod';

const PicklistValue = z.object({
  value: z.string(),
  label: z.string().nullish(),
  active: z.boolean().default(true),
  defaultValue: z.boolean().default(false),
  validFor: z.string().nullish(),
}).passthrough();

/** A field as describe returns it; only the properties validation needs are required, the rest pass through. */
export const FieldDescribe = z.object({
  name: z.string().min(1),
  label: z.string().default(''),
  type: z.string(),
  soapType: z.string().default('xsd:string'),
  length: z.number().default(0),
  byteLength: z.number().default(0),
  digits: z.number().default(0),
  precision: z.number().default(0),
  scale: z.number().default(0),
  nillable: z.boolean().default(true),
  createable: z.boolean().default(true),
  updateable: z.boolean().default(true),
  defaultedOnCreate: z.boolean().default(false),
  unique: z.boolean().default(false),
  caseSensitive: z.boolean().default(false),
  externalId: z.boolean().default(false),
  idLookup: z.boolean().default(false),
  calculated: z.boolean().default(false),
  autoNumber: z.boolean().default(false),
  custom: z.boolean().default(false),
  nameField: z.boolean().default(false),
  restrictedPicklist: z.boolean().default(false),
  picklistValues: z.array(PicklistValue).default([]),
  referenceTo: z.array(z.string()).default([]),
  relationshipName: z.string().nullish(),
  defaultValue: z.unknown().optional(),
}).passthrough();
export type FieldDescribe = z.infer<typeof FieldDescribe>;

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', boolean: 'xsd:boolean', int: 'xsd:int', double: 'xsd:double',
  currency: 'xsd:double', percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime', time: 'xsd:time',
};

export interface FieldSpec {
  length?: number; precision?: number; scale?: number; digits?: number;
  required?: boolean; readOnly?: boolean; createOnly?: boolean; defaulted?: boolean;
  unique?: boolean; externalId?: boolean; idLookup?: boolean; nameField?: boolean; autoNumber?: boolean; calculated?: boolean;
  picklist?: string[]; restricted?: boolean; defaultPicklist?: string;
  referenceTo?: string[]; relationshipName?: string; label?: string;
}

function labelOf(name: string): string {
  const base = name.replace(/__c$/, '').replace(/Id$/, ' ID').replace(/_/g, ' ');
  return base.replace(/([a-z])([A-Z])/g, '$1 $2').trim();
}

/** Builds a complete describe field from a compact spec (standard objects are declared with it). */
export function field(name: string, type: string, spec: FieldSpec = {}): FieldDescribe {
  const readOnly = spec.readOnly === true || spec.calculated === true || spec.autoNumber === true || type === 'id';
  const isText = !['boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime', 'time', 'id', 'reference'].includes(type);
  const length = spec.length ?? (type === 'id' || type === 'reference' ? 18 : isText ? 255 : 0);
  const picklistValues = (spec.picklist ?? []).map((value) => ({
    value, label: value, active: true, defaultValue: value === spec.defaultPicklist, validFor: null,
  }));
  return FieldDescribe.parse({
    name,
    label: spec.label ?? labelOf(name),
    type,
    soapType: SOAP_TYPES[type] ?? 'xsd:string',
    length,
    byteLength: isText || type === 'id' || type === 'reference' ? length * 3 : 0,
    digits: spec.digits ?? (type === 'int' ? 9 : 0),
    precision: spec.precision ?? 0,
    scale: spec.scale ?? 0,
    nillable: spec.required !== true && type !== 'boolean' && type !== 'id',
    createable: !readOnly,
    updateable: !readOnly && spec.createOnly !== true,
    defaultedOnCreate: spec.defaulted === true || type === 'boolean' || type === 'id' || readOnly,
    unique: spec.unique ?? false,
    caseSensitive: false,
    externalId: spec.externalId ?? false,
    idLookup: spec.idLookup ?? (spec.externalId === true || type === 'id'),
    calculated: spec.calculated ?? false,
    autoNumber: spec.autoNumber ?? false,
    custom: name.endsWith('__c'),
    nameField: spec.nameField ?? false,
    restrictedPicklist: spec.restricted ?? false,
    picklistValues,
    referenceTo: spec.referenceTo ?? [],
    relationshipName: spec.relationshipName ?? null,
    defaultValue: type === 'boolean' ? false : null,
    filterable: type !== 'textarea' || length <= 255,
    sortable: type !== 'textarea' || length <= 255,
    groupable: !['double', 'currency', 'percent', 'datetime', 'textarea'].includes(type),
    htmlFormatted: false,
    encrypted: false,
    deprecatedAndHidden: false,
    dependentPicklist: false,
    controllerName: null,
    cascadeDelete: false,
    restrictedDelete: false,
    polymorphicForeignKey: (spec.referenceTo ?? []).length > 1,
    namePointing: (spec.referenceTo ?? []).length > 1,
    inlineHelpText: null,
    defaultValueFormula: null,
  });
}

/** Fields every object has; `owner` adds OwnerId. */
export function systemFields(owner: boolean): FieldDescribe[] {
  const fields = [
    field('Id', 'id', { label: 'Record ID' }),
    field('IsDeleted', 'boolean', { readOnly: true, label: 'Deleted' }),
    field('CreatedDate', 'datetime', { readOnly: true, label: 'Created Date' }),
    field('CreatedById', 'reference', { readOnly: true, referenceTo: ['User'], relationshipName: 'CreatedBy', label: 'Created By ID' }),
    field('LastModifiedDate', 'datetime', { readOnly: true, label: 'Last Modified Date' }),
    field('LastModifiedById', 'reference', { readOnly: true, referenceTo: ['User'], relationshipName: 'LastModifiedBy', label: 'Last Modified By ID' }),
    field('SystemModstamp', 'datetime', { readOnly: true, label: 'System Modstamp' }),
  ];
  if (owner) {
    fields.push(field('OwnerId', 'reference', { referenceTo: ['User'], relationshipName: 'Owner', defaulted: true, required: true, label: 'Owner ID' }));
  }
  return fields;
}
