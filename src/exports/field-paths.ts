import { fieldByName, fieldByRelationship, type DescribeSObjectResult, type Field } from '../mapping/index.js';
import type { SoqlSource } from '../soql/index.js';

/** An object's describe, or undefined when the org has no such object. */
export type DescribeLoader = (object: string) => Promise<DescribeSObjectResult | undefined>;

/** A field path resolved against describe: its field and the path as the org names it (`Account.Name`). */
export interface ResolvedPath {
  field: Field;
  path: string;
}

const noSuchColumn = (segment: string, object: string) =>
  `No such column '${segment}' on entity '${object}'. If you are attempting to use a custom field, be sure to `
  + "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
  + 'appropriate names.';
const noSuchRelationship = (segment: string, object: string) =>
  `Didn't understand relationship '${segment}' in field path on entity '${object}'. If you are attempting to use a `
  + "custom relationship, be sure to append the '__r' after the custom relationship name.";

/**
 * Resolves `Name`, `Account.Name` or `Account.Owner.Username` (an alias prefix already removed) from `root`, as an org
 * does: each step before the last is a relationship (a polymorphic one resolves through any object it points to).
 * Errors are the org's INVALID_FIELD texts at the path's position in the query.
 */
export async function resolvePath(
  source: SoqlSource, at: number, root: DescribeSObjectResult, path: string, describeOf: DescribeLoader,
): Promise<ResolvedPath> {
  const segments = path.split('.');
  let objects = [root];
  const names: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const found = objects
      .map((describe) => ({
        describe, field: last ? fieldByName(describe, segment) : fieldByRelationship(describe, segment),
      }))
      .find((candidate) => candidate.field);
    if (!found?.field) {
      const object = objects[0].name;
      throw source.invalidField(at, last ? noSuchColumn(segment, object) : noSuchRelationship(segment, object));
    }
    if (last) return { field: found.field, path: [...names, found.field.name].join('.') };
    names.push(found.field.relationshipName ?? segment);
    const targets = await Promise.all(found.field.referenceTo.map((name) => describeOf(name)));
    objects = targets.filter((describe): describe is DescribeSObjectResult => describe !== undefined);
    if (objects.length === 0) throw source.invalidField(at, noSuchRelationship(segment, found.describe.name));
  }
  throw source.invalidField(at, noSuchColumn(path, root.name));
}
