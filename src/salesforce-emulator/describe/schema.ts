import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FieldDescribe, systemFields } from './field.js';
import type { ObjectSpec } from './object-spec.js';
import { recordTypeIdField, recordTypeSpec } from './record-type-object.js';
import { ACCOUNT, CONTACT, LEAD } from './standard-objects.js';
import { CASE, OPPORTUNITY, ORGANIZATION, USER } from './standard-objects-more.js';

/** A describe file: a DescribeSObjectResult, or the `{status, result}` wrapper of `sf sobject describe --json`. */
const DescribeFile = z.object({
  name: z.string().min(1),
  label: z.string().optional(),
  labelPlural: z.string().optional(),
  keyPrefix: z.string().regex(/^[0-9A-Za-z]{3}$/).nullish(),
  custom: z.boolean().optional(),
  fields: z.array(FieldDescribe),
}).passthrough();

/** One object ready for lookups: fields by lower-case name and by lower-case relationship name. */
export interface ObjectSchema {
  spec: ObjectSpec;
  name: string;
  keyPrefix: string;
  fields: FieldDescribe[];
  byLower: Map<string, number>;
  relationshipByLower: Map<string, number>;
  /** Indexes of fields holding unique or external-id values (indexed eagerly by the store). */
  uniqueFields: number[];
  /** Fields required on insert: createable, not nillable, not defaulted. */
  required: number[];
  /** Audit fields stamped on every write (-1 when the object lacks one). */
  audit: { createdDate: number; createdById: number; isDeleted: number; lastModifiedDate: number; lastModifiedById: number; systemModstamp: number };
  /** Person objects derive Name from FirstName and LastName. */
  derivedName: { name: number; first: number; last: number } | null;
}

function toSchema(input: ObjectSpec): ObjectSchema {
  // The store relies on Id being field 0.
  const id = input.fields.find((f) => f.name === 'Id');
  if (!id) throw new Error(`Object ${input.name} has no Id field`);
  const spec = { ...input, fields: [id, ...input.fields.filter((f) => f !== id)] };
  const byLower = new Map<string, number>();
  const relationshipByLower = new Map<string, number>();
  spec.fields.forEach((f, i) => {
    byLower.set(f.name.toLowerCase(), i);
    if (f.type === 'reference' && f.relationshipName) relationshipByLower.set(f.relationshipName.toLowerCase(), i);
  });
  const uniqueFields = spec.fields.flatMap((f, i) => (f.type !== 'id' && (f.unique || f.externalId) ? [i] : []));
  const at = (name: string) => byLower.get(name.toLowerCase()) ?? -1;
  const required = spec.fields.flatMap((f, i) => (f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean' ? [i] : []));
  const audit = {
    createdDate: at('CreatedDate'), createdById: at('CreatedById'), isDeleted: at('IsDeleted'),
    lastModifiedDate: at('LastModifiedDate'), lastModifiedById: at('LastModifiedById'), systemModstamp: at('SystemModstamp'),
  };
  const nameFi = at('Name');
  const derivedName = nameFi >= 0 && spec.fields[nameFi].calculated && at('LastName') >= 0 ? { name: nameFi, first: at('FirstName'), last: at('LastName') } : null;
  return { spec, name: spec.name, keyPrefix: spec.keyPrefix, fields: spec.fields, byLower, relationshipByLower, uniqueFields, required, audit, derivedName };
}

/** The set of objects the emulator serves. */
export class Schema {
  readonly objects = new Map<string, ObjectSchema>();
  readonly byPrefix = new Map<string, ObjectSchema>();

  constructor(specs: ObjectSpec[]) {
    for (const spec of specs) this.add(spec);
  }

  add(spec: ObjectSpec): void {
    const schema = toSchema(spec);
    this.objects.set(spec.name.toLowerCase(), schema);
    this.byPrefix.set(spec.keyPrefix, schema);
  }

  get(name: string): ObjectSchema | undefined {
    return this.objects.get(name.toLowerCase());
  }

  list(): ObjectSchema[] {
    return [...this.objects.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Objects (and their lookup fields) that point at `target`, for childRelationships and SOQL subqueries.
   * Names follow an org's: `Contacts` for Contact.AccountId, `ChildAccounts` for Account.ParentId,
   * `<Plural>__r` for custom lookups; owner, record type and audit lookups have none.
   */
  childrenOf(target: string): { childSObject: string; field: string; relationshipName: string | null }[] {
    const taken = new Set<string>();
    return this.list().flatMap((o) => o.fields
      .filter((f) => f.type === 'reference' && f.referenceTo.includes(target) && f.createable)
      .map((f) => {
        const name = childRelationshipName(o, f.name, target);
        const relationshipName = name && !taken.has(name.toLowerCase()) ? name : null;
        if (relationshipName) taken.add(relationshipName.toLowerCase());
        return { childSObject: o.name, field: f.name, relationshipName };
      }));
  }
}

const STANDARD_CHILD_NAMES: Record<string, string> = {
  'Account.ParentId': 'ChildAccounts',
  'User.ManagerId': 'ManagedUsers',
};

function childRelationshipName(child: ObjectSchema, field: string, target: string): string | null {
  const known = STANDARD_CHILD_NAMES[`${child.name}.${field}`];
  if (known) return known;
  if (field === 'OwnerId' || field === 'RecordTypeId' || child.name === target) return null;
  const plural = child.spec.labelPlural;
  return field.endsWith('__c') || child.spec.custom ? `${plural.replace(/\W+/g, '_')}__r` : plural.replace(/\W+/g, '');
}

function nextCustomPrefix(taken: Set<string>): string {
  for (let i = 0; i < 36 * 36; i++) {
    const prefix = `a${i.toString(36).padStart(2, '0')}`;
    if (!taken.has(prefix)) return prefix;
  }
  throw new Error('No free key prefix for a custom object');
}

function mergeSpec(existing: ObjectSpec | undefined, file: z.infer<typeof DescribeFile>, taken: Set<string>): ObjectSpec {
  const { name, label, labelPlural, keyPrefix, custom, fields, ...extra } = file;
  const byName = new Map((existing?.fields ?? systemFields(!name.endsWith('__mdt'))).map((f) => [f.name.toLowerCase(), f]));
  for (const f of fields) byName.set(f.name.toLowerCase(), f);
  return {
    name,
    label: label ?? existing?.label ?? name,
    labelPlural: labelPlural ?? existing?.labelPlural ?? name,
    keyPrefix: existing?.keyPrefix ?? keyPrefix ?? nextCustomPrefix(taken),
    custom: custom ?? existing?.custom ?? name.endsWith('__c'),
    fields: [...byName.values()],
    extra: { ...existing?.extra, ...extra },
  };
}

/** Gives each named object a RecordTypeId field (after its own fields) and adds the RecordType object. */
function withRecordTypes(specs: Map<string, ObjectSpec>, objects: string[]): void {
  const names = [...new Set(objects.map((o) => o.toLowerCase()))].map((lower) => {
    const spec = specs.get(lower);
    const named = objects.find((o) => o.toLowerCase() === lower);
    if (!spec) throw new Error(`A record type names the object ${named}, which the org does not have`);
    if (!spec.fields.some((f) => f.name === 'RecordTypeId')) spec.fields = [...spec.fields, recordTypeIdField()];
    return spec.name;
  });
  specs.set('recordtype', recordTypeSpec(names.sort()));
}

/**
 * Standard objects plus those (or extra fields) from describe JSON files in `describeDir`; the objects named in
 * `recordTypeObjects` have record types (a RecordTypeId field).
 */
export async function loadSchema(describeDir?: string, recordTypeObjects: string[] = []): Promise<Schema> {
  const standard = [ACCOUNT, CONTACT, LEAD, OPPORTUNITY, CASE, USER, ORGANIZATION];
  const specs = new Map(standard.map((s) => [s.name.toLowerCase(), { ...s }]));
  if (describeDir) {
    const names = (await readdir(describeDir)).filter((n) => n.endsWith('.json')).sort();
    for (const fileName of names) {
      const raw: unknown = JSON.parse(await readFile(join(describeDir, fileName), 'utf8'));
      const body = raw && typeof raw === 'object' && 'result' in raw ? (raw as { result: unknown }).result : raw;
      const parsed = DescribeFile.safeParse(body);
      if (!parsed.success) throw new Error(`Describe file ${fileName} is not a describe result: ${parsed.error.message}`);
      const taken = new Set([...specs.values()].map((s) => s.keyPrefix));
      const existing = specs.get(parsed.data.name.toLowerCase());
      specs.set(parsed.data.name.toLowerCase(), mergeSpec(existing, parsed.data, taken));
    }
  }
  withRecordTypes(specs, recordTypeObjects);
  return new Schema([...specs.values()]);
}
