import { MASTER_RECORD_TYPE_ID } from './record-type-object.js';
import type { ObjectSchema, Schema } from './schema.js';

/** An object's record type as describe lists it (`RecordTypeInfo`). */
export interface RecordTypeEntry {
  id: string;
  developerName: string;
  name: string;
  active: boolean;
  isDefault: boolean;
}

/** `recordTypeInfos`: the object's own record types, then Master (available only while none of its own is active). */
function recordTypeInfos(object: ObjectSchema, version: string, own: RecordTypeEntry[]): Record<string, unknown>[] {
  const anyActive = own.some((t) => t.active);
  const master: RecordTypeEntry = {
    id: MASTER_RECORD_TYPE_ID, developerName: 'Master', name: 'Master', active: true,
    isDefault: !own.some((t) => t.isDefault),
  };
  return [...own, master].map((t) => ({
    active: t.active, available: t === master ? !anyActive : t.active, defaultRecordTypeMapping: t.isDefault,
    developerName: t.developerName, master: t === master, name: t.name, recordTypeId: t.id,
    urls: { layout: `/services/data/${version}/sobjects/${object.name}/describe/layouts/${t.id}` },
  }));
}

/** The describeGlobal entry of an object (DescribeGlobalSObjectResult). */
export function globalEntry(object: ObjectSchema, version: string): Record<string, unknown> {
  const base = `/services/data/${version}/sobjects/${object.name}`;
  const spec = object.spec;
  const pick = (key: string, fallback: unknown) => (spec.extra && key in spec.extra ? spec.extra[key] : fallback);
  return {
    activateable: false, associateEntityType: null, associateParentEntity: null,
    createable: pick('createable', true), custom: spec.custom, customSetting: false,
    deepCloneable: false, deletable: pick('deletable', true), deprecatedAndHidden: false,
    feedEnabled: !spec.custom, hasSubtypes: false, isInterface: false, isSubtype: false,
    keyPrefix: spec.keyPrefix, label: spec.label, labelPlural: spec.labelPlural,
    layoutable: true, mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(spec.name), mruEnabled: true,
    name: spec.name, queryable: true, replicateable: true, retrieveable: true, searchable: true,
    triggerable: true, undeletable: true, updateable: pick('updateable', true),
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

export function describeGlobal(schema: Schema, version: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: schema.list().map((o) => globalEntry(o, version)) };
}

/** The full DescribeSObjectResult: global facts, fields, child relationships and layout flags. */
export function describeObject(
  schema: Schema, object: ObjectSchema, version: string, recordTypes: RecordTypeEntry[] = [],
): Record<string, unknown> {
  const rest = object.spec.extra ?? {};
  const childRelationships = schema.childrenOf(object.name).map((c) => ({
    cascadeDelete: false, childSObject: c.childSObject, deprecatedAndHidden: false, field: c.field,
    junctionIdListNames: [], junctionReferenceTo: [], relationshipName: c.relationshipName, restrictedDelete: false,
  }));
  return {
    ...rest,
    ...globalEntry(object, version),
    actionOverrides: [],
    childRelationships,
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: object.fields,
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: recordTypeInfos(object, version, recordTypes),
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }, { label: 'My', name: 'mine' }],
  };
}
