import type { DescribeSObjectResult, Field } from '../mapping/index.js';
import type { DescribeLoader } from './field-paths.js';

/** A field the export form offers: the object's own, or a parent's through a lookup (`Account.Name`). */
export interface FieldChoice {
  path: string;
  label: string;
  type: string;
  /** The relationship it is reached through (empty for the object's own fields). */
  via: string;
}

/** A parent's fields worth offering by default: its name, its id lookups and external ids (any other can be typed). */
const offeredOnParent = (field: Field): boolean =>
  field.type === 'id' || field.nameField || field.idLookup || field.externalId;

/**
 * The export form's field picker: every field of the object, then for each lookup its parent's Id, name and external
 * ids (one level up; deeper paths such as `Account.Owner.Username` can be typed and are checked like any other).
 */
export async function exportFieldChoices(
  describe: DescribeSObjectResult, describeOf: DescribeLoader,
): Promise<FieldChoice[]> {
  const own = describe.fields.map((f) => ({ path: f.name, label: f.label, type: f.type, via: '' }));
  const parents: FieldChoice[] = [];
  for (const lookup of describe.fields.filter((f) => f.type === 'reference' && f.relationshipName)) {
    const target = lookup.referenceTo[0];
    const parent = target ? await describeOf(target) : undefined;
    for (const field of parent?.fields.filter(offeredOnParent) ?? []) {
      const path = `${lookup.relationshipName}.${field.name}`;
      const label = `${lookup.label} > ${field.label}`;
      parents.push({ path, label, type: field.type, via: lookup.relationshipName ?? '' });
    }
  }
  return [...own, ...parents];
}
