import type { ObjectSchema, Schema } from './schema.js';

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
export function describeObject(schema: Schema, object: ObjectSchema, version: string): Record<string, unknown> {
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
    recordTypeInfos: [{
      active: true, available: true, defaultRecordTypeMapping: true, developerName: 'Master', master: true,
      name: 'Master', recordTypeId: '012000000000000AAA', urls: { layout: `/services/data/${version}/sobjects/${object.name}/describe/layouts/012000000000000AAA` },
    }],
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }, { label: 'My', name: 'mine' }],
  };
}
