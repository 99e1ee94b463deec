import type { Table } from '../data/table.js';
import type { SelectItem, SoqlQuery } from '../../soql/ast.js';
import { checkAggregate } from './aggregate.js';
import type { SoqlSource } from '../../soql/errors.js';
import type { ChildQuery, SelectColumn } from './outcome.js';
import type { FieldPath } from './paths.js';

/** What compiling a select list needs from the evaluator: path resolution and child subqueries. */
export interface SelectScope {
  source: SoqlSource;
  table: Table;
  resolve(path: string, at: number): FieldPath;
  child(query: SoqlQuery, at: number): ChildQuery;
}

const FIELDS_LIMIT = 200;

function expandFields(scope: SelectScope, query: SoqlQuery, which: string, at: number): FieldPath[] {
  if (which !== 'STANDARD' && (query.limit === undefined || query.limit > FIELDS_LIMIT)) {
    throw scope.source.malformed(at, `The SOQL FIELDS function must have a LIMIT of at most ${FIELDS_LIMIT}`);
  }
  return scope.table.schema.fields
    .filter((f) => which === 'ALL' || (which === 'CUSTOM') === f.custom)
    .map((f) => scope.resolve(f.name, at));
}

/** The select list of a plain query: fields (parent paths included), FIELDS(...) and child subqueries. */
export function compileRowSelect(scope: SelectScope, query: SoqlQuery): SelectColumn[] {
  const columns: SelectColumn[] = [];
  const seen = new Set<string>();
  for (const item of query.select) {
    if (item.kind === 'subquery') columns.push({ kind: 'child', child: scope.child(item.query, item.at) });
    else if (item.kind === 'fields') {
      for (const path of expandFields(scope, query, item.which, item.at)) {
        if (seen.has(path.name.toLowerCase())) continue;
        seen.add(path.name.toLowerCase());
        columns.push({ kind: 'field', path });
      }
    } else if (item.kind === 'field') {
      const path = scope.resolve(item.path, item.at);
      if (seen.has(path.name.toLowerCase())) {
        throw scope.source.malformed(item.at, `duplicate field selected: ${path.name}`);
      }
      seen.add(path.name.toLowerCase());
      columns.push({ kind: 'field', path });
    } else {
      throw scope.source.malformed(item.at, 'Field must be grouped or aggregated');
    }
  }
  return columns;
}

function refuseInAggregate(scope: SelectScope, item: SelectItem): never {
  const what = item.kind === 'subquery' ? 'Parent-to-child subqueries' : 'FIELDS()';
  throw scope.source.malformed(item.at, `${what} cannot be used in a query with aggregate functions or GROUP BY`);
}

/**
 * The select list of an aggregate query: grouped fields and aggregate functions. Unaliased
 * aggregates are named expr0, expr1, ... in select order, as an org names them.
 */
export function compileAggregateSelect(scope: SelectScope, query: SoqlQuery, grouped: FieldPath[]): SelectColumn[] {
  const columns: SelectColumn[] = [];
  const keys = new Set<string>();
  let expr = 0;
  for (const item of query.select) {
    if (item.kind === 'subquery' || item.kind === 'fields') refuseInAggregate(scope, item);
    if (item.kind === 'field') {
      const path = scope.resolve(item.path, item.at);
      const group = grouped.find((g) => g.name.toLowerCase() === path.name.toLowerCase());
      if (!group) throw scope.source.malformed(item.at, `Field must be grouped or aggregated: ${path.name}`);
      columns.push({ kind: 'group', key: path.field.name, path });
      continue;
    }
    const path = item.path === null ? null : scope.resolve(item.path, item.argAt);
    checkAggregate(scope.source, item, path);
    const key = item.alias ?? `expr${expr++}`;
    if (keys.has(key.toLowerCase())) throw scope.source.malformed(item.at, `duplicate alias: ${key}`);
    keys.add(key.toLowerCase());
    columns.push({ kind: 'aggregate', key, call: item, path });
  }
  return columns;
}
