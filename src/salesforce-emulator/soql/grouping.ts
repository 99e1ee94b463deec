import type { Row, Table, Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import type { Operand, SoqlQuery } from '../../soql/ast.js';
import { aggregateOf, checkAggregate, groupRows, resultField, type Group } from './aggregate.js';
import type { Evaluator } from './evaluate.js';
import { compileFilter, type FilterContext } from './filter.js';
import { page, sortBy } from './order.js';
import type { QueryOutcome } from './outcome.js';
import type { FieldPath } from './paths.js';
import { compileAggregateSelect } from './select.js';

type GroupOperand = { field: FieldDescribe; get: (g: Group) => Value };

type Resolve = (path: string, at: number) => FieldPath;

function groupOperand(
  evaluator: Evaluator, resolve: Resolve, grouped: FieldPath[], ref: Operand, where: string,
): GroupOperand {
  if (ref.kind === 'aggregate') {
    const path = ref.path === null ? null : resolve(ref.path, ref.argAt);
    checkAggregate(evaluator.source, ref, path);
    return { field: resultField(ref, path), get: (g) => aggregateOf(ref, path, g.rows) };
  }
  const path = resolve(ref.path, ref.at);
  const key = path.name.toLowerCase();
  if (!grouped.some((g) => g.name.toLowerCase() === key)) {
    throw evaluator.source.malformed(ref.at, `${where} field must be grouped or aggregated: ${path.name}`);
  }
  return { field: path.field, get: (g) => g.keys.get(key) ?? null };
}

/** Runs an aggregate query: GROUP BY, aggregate functions, HAVING, ORDER BY over groups, LIMIT and OFFSET. */
export function aggregateGroups(evaluator: Evaluator, query: SoqlQuery, table: Table, rows: Row[]): QueryOutcome {
  const { source } = evaluator;
  const resolve = evaluator.resolver(table, query.alias);
  const grouped = query.groupBy.map((ref) => {
    const path = resolve(ref.path, ref.at);
    if ((path.field as { groupable?: boolean }).groupable === false) {
      throw source.malformed(ref.at, `field '${path.field.name}' can not be grouped in a query call`);
    }
    return path;
  });
  if (grouped.length === 0 && query.limit !== undefined) {
    throw source.malformed(query.limitAt, 'A query with aggregate functions and a LIMIT clause needs a GROUP BY clause');
  }
  const noChildren = () => {
    throw new Error('child subqueries are refused in aggregate queries before they are compiled');
  };
  const columns = compileAggregateSelect({ source, table, resolve, child: noChildren }, query, grouped);
  let groups = groupRows(rows, grouped);
  if (query.having) {
    const ctx: FilterContext<Group> = {
      source,
      operand: (ref) => groupOperand(evaluator, resolve, grouped, ref, 'Having'),
      semiJoin: (_left, _inner, at) => {
        throw source.malformed(at, 'Semi join sub-selects are not allowed in HAVING');
      },
    };
    groups = groups.filter(compileFilter(ctx, query.having));
  }
  const keys = query.orderBy.map((o) => ({
    ...groupOperand(evaluator, resolve, grouped, o.operand, 'Ordered'), descending: o.descending, nullsLast: o.nullsLast,
  }));
  groups = page(sortBy(groups, keys), query.offset, query.limit);
  const results = groups.map((g) => {
    const record: Record<string, Value> = {};
    for (const c of columns) {
      if (c.kind === 'group') record[c.key] = g.keys.get(c.path.name.toLowerCase()) ?? null;
      else if (c.kind === 'aggregate') record[c.key] = aggregateOf(c.call, c.path, g.rows);
    }
    return record;
  });
  return { query, table, kind: 'aggregate', columns, rows: [], groups: results, totalSize: results.length };
}
