import { field, systemFields, type FieldDescribe } from './field.js';
import type { ObjectSpec } from './object-spec.js';

/** The Master record type every object has: not a RecordType record, the same Id in every org. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

/**
 * RecordType (key prefix 012), as the Object Reference describes it: created and updated through the API (create(),
 * update(), query(), retrieve(); no delete()); `SobjectType` is set on create only. Its picklist lists the objects
 * that have record types in this org.
 */
export function recordTypeSpec(objects: string[]): ObjectSpec {
  return {
    name: 'RecordType', label: 'Record Type', labelPlural: 'Record Types', keyPrefix: '012', custom: false,
    extra: { deletable: false },
    fields: [
      ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
      field('Name', 'string', { length: 80, required: true, nameField: true, idLookup: true, label: 'Record Type Label' }),
      field('DeveloperName', 'string', { length: 80, required: true, label: 'Record Type Name' }),
      field('NamespacePrefix', 'string', { length: 15, readOnly: true, label: 'Namespace Prefix' }),
      field('Description', 'string', { length: 255 }),
      field('SobjectType', 'picklist', {
        length: 40, required: true, restricted: true, createOnly: true, picklist: objects, label: 'SObject Type Name',
      }),
      field('IsActive', 'boolean', { label: 'Active' }),
      field('IsPersonType', 'boolean', { readOnly: true, label: 'Is Person Type' }),
    ],
  };
}

/** The lookup an object with record types has: which record type each record is of. */
export function recordTypeIdField(): FieldDescribe {
  const spec = { referenceTo: ['RecordType'], relationshipName: 'RecordType', label: 'Record Type ID' };
  return field('RecordTypeId', 'reference', spec);
}
