import { toId18 } from '../../salesforce/record-id.js';
import type { Row, Table } from '../data/table.js';
import type { Condition, Literal } from '../../soql/ast.js';
import type { Predicate } from './filter.js';
import { StoredRows, type ResultRows } from './result-rows.js';

/** A compiled WHERE with what lets it skip a full read: the parsed condition and the own fields it reads. */
export interface RowFilter {
  keep: Predicate<Row>;
  where?: Condition;
  alias?: string;
  /** Field indexes of `table` the condition reads; undefined when it also reads parents (relationship paths). */
  fields?: number[];
}

/** The field `path` names on `table` itself (no relationship hop), or undefined. */
function ownField(table: Table, path: string, alias?: string): number | undefined {
  const parts = path.split('.');
  if (alias && parts.length === 2 && parts[0].toLowerCase() === alias.toLowerCase()) parts.shift();
  return parts.length === 1 ? table.schema.byLower.get(parts[0].toLowerCase()) : undefined;
}

/** The string values an `=` or `IN` condition on one indexed field (Id, unique or external id) asks for. */
function keyed(table: Table, c: Condition, alias?: string): { fi: number; values: string[] } | undefined {
  let values: Literal[];
  if (c.kind === 'compare' && c.op === '=' && c.left.kind === 'field') values = [c.value];
  else if (c.kind === 'in' && !c.negate && c.left.kind === 'field') values = c.values;
  else return undefined;
  const fi = ownField(table, c.left.path, alias);
  if (fi === undefined || values.some((v) => v.kind !== 'string')) return undefined;
  const field = table.schema.fields[fi];
  const indexed = field.type === 'id' || (table.schema.uniqueFields.includes(fi) && !field.caseSensitive);
  return indexed ? { fi, values: values.map((v) => (v as { value: string }).value) } : undefined;
}

/**
 * The candidate rows of a WHERE that pins an indexed field with `=` or `IN` (alone or as a part of a top-level
 * AND), found through the index instead of a scan; the caller still applies the whole WHERE. Undefined when the
 * WHERE has no such part.
 */
function indexedCandidates(table: Table, where: Condition | undefined, alias?: string): Row[] | undefined {
  if (!where) return undefined;
  const parts = where.kind === 'and' ? where.parts : [where];
  for (const part of parts) {
    const key = keyed(table, part, alias);
    if (!key) continue;
    const ids = key.fi === 0
      ? key.values.map((v) => toId18(v)).filter((id): id is string => id !== null)
      : key.values.flatMap((v) => table.lookup(key.fi, v));
    return table.rowsOf(ids);
  }
  return undefined;
}

/** The rows passing `filter` among an index's candidates; undefined when it has none (recycle-bin rows are not indexed). */
function indexedMatches(table: Table, filter: RowFilter, withDeleted: boolean): Row[] | undefined {
  return withDeleted ? undefined : indexedCandidates(table, filter.where, filter.alias)?.filter(filter.keep);
}

/**
 * The rows passing `filter` (recycle-bin rows too with `withDeleted`), in insertion order: through an index when
 * the WHERE pins an indexed field, else a scan (of in-memory columns when they hold every field the WHERE reads).
 */
export function matchingRows(table: Table, filter: RowFilter, withDeleted: boolean): Row[] {
  return indexedMatches(table, filter, withDeleted) ?? table.select(filter.keep, withDeleted, filter.fields);
}

/**
 * What matchingRows finds (at most `atMost`), as a query result: a scan's hits are kept as record versions
 * (StoredRows, read page by page), an index's few candidates as rows.
 */
export function matchingResult(table: Table, filter: RowFilter, withDeleted: boolean, atMost = Infinity): ResultRows {
  return indexedMatches(table, filter, withDeleted)?.slice(0, atMost)
    ?? new StoredRows(table, table.selectVersions(filter.keep, withDeleted, atMost, filter.fields));
}

export function countRows(table: Table, filter: RowFilter, withDeleted: boolean): number {
  if (!filter.where) return withDeleted ? table.size + table.deletedCount : table.size;
  return indexedMatches(table, filter, withDeleted)?.length ?? table.count(filter.keep, withDeleted, filter.fields);
}
