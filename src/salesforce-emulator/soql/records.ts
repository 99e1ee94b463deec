import type { Row, Table } from '../data/table.js';
import type { QueryOutcome, SelectColumn } from './outcome.js';
import { follow, type FieldPath } from './paths.js';

type Json = Record<string, unknown>;

const attributes = (table: Table, id: unknown, version: string) => ({
  type: table.schema.name, url: `/services/data/${version}/sobjects/${table.schema.name}/${String(id)}`,
});

/** Sets a field in the record, nesting parent fields under their relationship names (null when there is no parent). */
function setPath(out: Json, path: FieldPath, row: Row, version: string): void {
  let target = out;
  let current: Row | null = row;
  for (const hop of path.hops) {
    current = follow(hop, current);
    if (target[hop.relationshipName] === undefined) {
      target[hop.relationshipName] = current ? { attributes: attributes(hop.to, hop.to.get(current, 0), version) } : null;
    }
    const next = target[hop.relationshipName] as Json | null;
    if (!next || !current) return;
    target = next;
  }
  target[path.field.name] = current ? path.table.get(current, path.fi) : null;
}

function rowJson(table: Table, row: Row, columns: SelectColumn[], version: string): Json {
  const id = table.get(row, 0);
  const out: Json = { attributes: attributes(table, id, version) };
  for (const column of columns) {
    if (column.kind === 'field') setPath(out, column.path, row, version);
    else if (column.kind === 'child') {
      const { child } = column;
      const rows = child.rowsOf(String(id));
      const fields = child.columns.map((path) => ({ kind: 'field' as const, path }));
      out[child.name] = rows.length === 0 ? null : {
        totalSize: rows.length, done: true, records: rows.map((r) => rowJson(child.table, r, fields, version)),
      };
    }
  }
  return out;
}

/** The REST form of result `index`: an sObject record with nested parents and children, or an AggregateResult. */
export function recordJson(outcome: QueryOutcome, index: number, version: string): Json {
  if (outcome.kind === 'aggregate') return { attributes: { type: 'AggregateResult' }, ...outcome.groups[index] };
  return rowJson(outcome.table, outcome.rows.at(index)!, outcome.columns, version);
}

/** The number of results a page walks over (rows or aggregate results). */
export function resultCount(outcome: QueryOutcome): number {
  return outcome.kind === 'aggregate' ? outcome.groups.length : outcome.rows.length;
}

/** The flat field columns of a plain query, as Bulk API CSV results carry them (`Account.Name`). */
export function flatColumns(outcome: QueryOutcome): FieldPath[] {
  return outcome.columns.flatMap((c) => (c.kind === 'field' ? [c.path] : []));
}
