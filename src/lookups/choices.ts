import type { Services } from '../services.js';
import type { DescribeSObjectResult, Field } from '../mapping/index.js';
import { describeObject, sessionFor } from '../salesforce/index.js';
import { lookupFieldType } from './soql-literal.js';

/** A parent the editor offers for a lookup step: the fields it can be found by, the target fields it fills. */
export interface LookupChoice {
  object: string;
  label: string;
  /** The target's reference fields pointing to it (AccountId): the usual `into`. */
  into: string[];
  fields: { name: string; label: string; type: string }[];
}

const findable = (field: Field): boolean =>
  (field as { filterable?: boolean }).filterable !== false && lookupFieldType(field.type) && field.type !== 'reference';

/** Name fields, id lookups and external ids first: what people usually find a parent by. */
const usualFirst = (a: Field, b: Field): number =>
  Number(b.nameField || b.idLookup || b.externalId) - Number(a.nameField || a.idLookup || a.externalId) || a.label.localeCompare(b.label);

/** The parents of the object written (by its writable lookups), each with the fields a lookup step may compare. */
export async function lookupChoices(services: Services, connectionId: string, target: DescribeSObjectResult): Promise<LookupChoice[]> {
  const session = await sessionFor(services, connectionId);
  const into = new Map<string, string[]>();
  for (const field of target.fields) {
    if (field.type !== 'reference' || !(field.createable || field.updateable)) continue;
    for (const parent of field.referenceTo) into.set(parent, [...(into.get(parent) ?? []), field.name]);
  }
  const choices: LookupChoice[] = [];
  for (const [object, fields] of into) {
    const parent = await describeObject(services.redis, session, object);
    const offered = parent.fields.filter(findable).sort(usualFirst);
    const label = parent.label || parent.name;
    choices.push({ object: parent.name, label, into: fields, fields: offered.map((f) => ({ name: f.name, label: f.label || f.name, type: f.type })) });
  }
  return choices.sort((a, b) => a.label.localeCompare(b.label));
}
