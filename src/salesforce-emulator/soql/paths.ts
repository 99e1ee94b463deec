import type { RecordsStore } from '../data/records-store.js';
import type { Row, Table, Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import type { SoqlSource } from '../../soql/errors.js';

/** One step from a record to its parent: the lookup field on `from` and the parent's table. */
export interface Hop {
  relationshipName: string;
  fi: number;
  from: Table;
  to: Table;
}

/** A resolved field path such as `Name`, `Account.Name` or `Account.Owner.Name`. */
export interface FieldPath {
  /** The path with API casing. */
  name: string;
  hops: Hop[];
  table: Table;
  fi: number;
  field: FieldDescribe;
  get: (row: Row) => Value;
}

const MAX_PARENT_LEVELS = 5;

/** The row a hop leads to (null when the lookup is empty or the parent is deleted). */
export function follow(hop: Hop, row: Row | null): Row | null {
  if (!row) return null;
  const id = hop.from.get(row, hop.fi);
  return typeof id === 'string' ? (hop.to.row(id) ?? null) : null;
}

function unknownColumn(source: SoqlSource, at: number, name: string, entity: string): Error {
  return source.invalidField(at, `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom `
    + 'field, be sure to append the \'__c\' after the custom field name. Please reference your WSDL or the describe call '
    + 'for the appropriate names.');
}

/** Resolves `path` from `table` (an alias prefix is dropped), or throws the error an org gives for it. */
export function resolvePath(
  store: RecordsStore, table: Table, path: string, at: number, source: SoqlSource, alias?: string,
): FieldPath {
  let parts = path.split('.');
  if (alias && parts.length > 1 && parts[0].toLowerCase() === alias.toLowerCase()) parts = parts.slice(1);
  if (parts.length - 1 > MAX_PARENT_LEVELS) {
    throw source.malformed(at, `A relationship path can span at most ${MAX_PARENT_LEVELS} levels: ${path}`);
  }
  const hops: Hop[] = [];
  let current = table;
  for (const part of parts.slice(0, -1)) {
    const fi = current.schema.relationshipByLower.get(part.toLowerCase());
    const lookup = fi === undefined ? undefined : current.schema.fields[fi];
    const parent = lookup ? store.table(lookup.referenceTo[0]) : undefined;
    if (fi === undefined || !lookup || !parent) {
      throw source.invalidField(at, `Didn't understand relationship '${part}' in field path. If you are attempting to use a `
        + 'custom relationship, be sure to append the \'__r\' after the custom relationship name. Please reference your WSDL '
        + 'or the describe call for the appropriate names.');
    }
    hops.push({ relationshipName: lookup.relationshipName ?? part, fi, from: current, to: parent });
    current = parent;
  }
  const last = parts[parts.length - 1];
  const fi = current.schema.byLower.get(last.toLowerCase());
  if (fi === undefined) throw unknownColumn(source, at, last, current.schema.name);
  const field = current.schema.fields[fi];
  const owner = current;
  const get = hops.length === 0
    ? (row: Row) => owner.get(row, fi)
    : (row: Row) => {
      let r: Row | null = row;
      for (const hop of hops) r = follow(hop, r);
      return r ? owner.get(r, fi) : null;
    };
  const name = [...hops.map((h) => h.relationshipName), field.name].join('.');
  return { name, hops, table: current, fi, field, get };
}

/** A child relationship of `table` named in a subquery's FROM (`Contacts`), or the error an org gives. */
export function resolveChild(
  store: RecordsStore, table: Table, name: string, at: number, source: SoqlSource,
): { name: string; child: Table; fi: number } {
  const entry = store.schema.childrenOf(table.schema.name)
    .find((c) => c.relationshipName?.toLowerCase() === name.toLowerCase());
  const child = entry && store.table(entry.childSObject);
  const fi = child?.schema.byLower.get(entry!.field.toLowerCase());
  if (!entry || !child || fi === undefined) {
    throw source.error(at, 'INVALID_TYPE', `Didn't understand relationship '${name}' in FROM part of query call. If you are `
      + 'attempting to use a custom relationship, be sure to append the \'__r\' after the custom relationship name. Please '
      + 'reference your WSDL or the describe call for the appropriate names.');
  }
  return { name: entry.relationshipName!, child, fi };
}
