import type { RecordsStore } from '../data/records-store.js';
import type { Row, Table } from '../data/table.js';
import type { Condition, OrderItem, SoqlQuery } from '../../soql/ast.js';
import { SoqlSource } from '../../soql/errors.js';
import { compileFilter, type FilterContext, type Predicate } from './filter.js';
import { aggregateGroups } from './grouping.js';
import { page, sortBy, type SortKey } from './order.js';
import type { ChildQuery, QueryOutcome } from './outcome.js';
import { parseSoql } from '../../soql/parser.js';
import { resolveChild, resolvePath, type FieldPath } from './paths.js';
import type { ResultRows } from './result-rows.js';
import { countRows, matchingResult, matchingRows, type RowFilter } from './scan.js';
import { compileRowSelect } from './select.js';
import { kindOf } from './values.js';

const MAX_OFFSET = 2000;

/** Compiles and runs queries over the store; one per query text. */
export class Evaluator {
  readonly source: SoqlSource;

  constructor(readonly store: RecordsStore, soql: string, readonly queryAll = false) {
    this.source = new SoqlSource(soql);
  }

  tableOf(name: string, at: number): Table {
    const table = this.store.table(name);
    if (!table) {
      throw this.source.error(at, 'INVALID_TYPE', `sObject type '${name}' is not supported. If you are attempting to use a custom `
        + 'object, be sure to append the \'__c\' after the entity name. Please reference your WSDL or the describe call for the '
        + 'appropriate names.');
    }
    return table;
  }

  resolver(table: Table, alias?: string): (path: string, at: number) => FieldPath {
    return (path, at) => resolvePath(this.store, table, path, at, this.source, alias);
  }

  /**
   * The WHERE predicate over rows; semi-join subqueries run once, lazily (depth 1 only, as in an org). `reads`
   * collects the own fields it reads (undefined in it once a relationship path is read).
   */
  rowFilter(table: Table, where: Condition | undefined, alias?: string, depth = 0, reads?: { fields?: number[] }): Predicate<Row> {
    if (!where) return () => true;
    const resolve = this.resolver(table, alias);
    const ctx: FilterContext<Row> = {
      source: this.source,
      operand: (ref) => {
        if (ref.kind === 'aggregate') {
          throw this.source.malformed(ref.at, 'Aggregate functions are not supported in the WHERE clause: use HAVING');
        }
        const path = resolve(ref.path, ref.at);
        if (reads) reads.fields = path.hops.length > 0 ? undefined : reads.fields?.concat(path.fi);
        return { field: path.field, get: path.get };
      },
      semiJoin: (_left, inner, at) => this.semiJoin(table, inner, at, depth),
    };
    return compileFilter(ctx, where);
  }

  private semiJoin(outer: Table, inner: SoqlQuery, at: number, depth: number): () => Set<string> {
    if (depth > 0) throw this.source.malformed(at, 'Nesting of semi join sub-selects is not supported');
    const table = this.tableOf(inner.object, inner.objectAt);
    if (table === outer) {
      const reason = 'The inner and outer selects should not be on the same object type';
      throw this.source.error(inner.objectAt, 'INVALID_QUERY_FILTER_OPERATOR', reason);
    }
    const item = inner.select[0];
    if (inner.select.length !== 1 || item.kind !== 'field') {
      throw this.source.malformed(item.at, 'semi join sub selects can only query one id field');
    }
    const path = this.resolver(table, inner.alias)(item.path, item.at);
    if (kindOf(path.field) !== 'id') {
      throw this.source.invalidField(item.at, `semi join sub selects can only query id fields, cannot use: '${path.name}'`);
    }
    const where = this.filterFor(table, inner, depth + 1);
    let ids: Set<string> | undefined;
    return () => {
      ids ??= new Set(matchingRows(table, where, this.queryAll).map(path.get).filter((v): v is string => typeof v === 'string'));
      return ids;
    };
  }

  /** The WHERE of `query` over `table`, with what lets a scan skip reading whole records. */
  filterFor(table: Table, query: SoqlQuery, depth = 0): RowFilter {
    const reads: { fields?: number[] } = { fields: [] };
    const keep = this.rowFilter(table, query.where, query.alias, depth, reads);
    return { keep, where: query.where, alias: query.alias, fields: reads.fields };
  }

  rowOrder(table: Table, orderBy: OrderItem[], alias?: string): SortKey<Row>[] {
    const resolve = this.resolver(table, alias);
    return orderBy.map((o) => {
      if (o.operand.kind === 'aggregate') {
        throw this.source.malformed(o.operand.at, 'Aggregate functions in ORDER BY need GROUP BY or another aggregate function');
      }
      const path = resolve(o.operand.path, o.operand.at);
      if ((path.field as { sortable?: boolean }).sortable === false) {
        throw this.source.invalidField(o.operand.at, `field '${path.field.name}' can not be sorted in a query call`);
      }
      return { field: path.field, get: path.get, descending: o.descending, nullsLast: o.nullsLast };
    });
  }

  checkPaging(query: SoqlQuery): void {
    if (query.offset !== undefined && query.offset > MAX_OFFSET) {
      throw this.source.error(query.offsetAt, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
  }

  /** A parent-to-child subquery: FROM names a child relationship of `parent`; one level only. */
  child(parent: Table, inner: SoqlQuery, at: number): ChildQuery {
    const { name, child, fi } = resolveChild(this.store, parent, inner.object, inner.objectAt, this.source);
    if (inner.groupBy.length > 0 || inner.having || inner.countOnly) {
      throw this.source.malformed(at, 'Aggregate functions are not supported in parent-to-child subqueries');
    }
    const nested = () => {
      throw this.source.malformed(at, 'Only one level of parent-to-child subquery is supported');
    };
    const scope = { source: this.source, table: child, resolve: this.resolver(child, inner.alias), child: nested };
    const columns = compileRowSelect(scope, inner).flatMap((c) => (c.kind === 'field' ? [c.path] : []));
    const where = this.rowFilter(child, inner.where, inner.alias);
    const order = this.rowOrder(child, inner.orderBy, inner.alias);
    this.checkPaging(inner);
    return {
      name, table: child, columns,
      rowsOf: (parentId) => {
        const rows = child.lookup(fi, parentId)
          .map((id) => child.row(id))
          .filter((r): r is Row => r !== undefined && where(r));
        return page(sortBy(rows, order), inner.offset, inner.limit);
      },
    };
  }

  run(): QueryOutcome {
    const query = parseSoql(this.source);
    const table = this.tableOf(query.object, query.objectAt);
    if (query.forClause?.kind === 'UPDATE') {
      throw this.source.malformed(query.forClause.at, 'FOR UPDATE is only available in Apex, not through the API');
    }
    this.checkPaging(query);
    const aggregate = query.groupBy.length > 0 || query.having !== undefined
      || query.select.some((s) => s.kind === 'aggregate' && s.path !== null);
    if (query.countOnly && (query.select.length > 1 || aggregate)) {
      const reason = 'COUNT() must be the only item of the select list and cannot be used with GROUP BY';
      throw this.source.malformed(query.objectAt, reason);
    }
    const where = this.filterFor(table, query);
    if (aggregate) return aggregateGroups(this, query, table, matchingRows(table, where, this.queryAll));
    if (query.countOnly) {
      const matched = countRows(table, where, this.queryAll);
      const count = Math.max(0, Math.min(query.limit ?? Infinity, matched - (query.offset ?? 0)));
      return { query, table, kind: 'count', columns: [], rows: [], groups: [], totalSize: count };
    }
    const scope = {
      source: this.source, table, resolve: this.resolver(table, query.alias),
      child: (inner: SoqlQuery, at: number) => this.child(table, inner, at),
    };
    const columns = compileRowSelect(scope, query);
    const order = this.rowOrder(table, query.orderBy, query.alias);
    // Unordered results stay in the record file (read page by page); ORDER BY sorts decoded rows.
    const enough = query.limit !== undefined ? (query.offset ?? 0) + query.limit : Infinity;
    const found: ResultRows = order.length === 0
      ? matchingResult(table, where, this.queryAll, enough)
      : sortBy(matchingRows(table, where, this.queryAll), order);
    const rows = page(found, query.offset, query.limit);
    return { query, table, kind: 'rows', columns, rows, groups: [], totalSize: rows.length };
  }
}

/** Parses and runs a SOQL query over the store; queryAll also sees deleted (recycle-bin) records. */
export function runSoql(store: RecordsStore, soql: string, queryAll = false): QueryOutcome {
  return new Evaluator(store, soql, queryAll).run();
}
