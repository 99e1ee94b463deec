import { AppError } from '../errors.js';
import type { DescribeSObjectResult, Field } from '../mapping/index.js';
import {
  SoqlError, SoqlSource, checkLiteral, parseSoql, type Condition, type Operand, type SoqlQuery,
} from '../soql/index.js';
import { resolvePath, type DescribeLoader } from './field-paths.js';

/** A query DMS will export: its text, its object as the org names it, and its columns in the order of the SELECT. */
export interface CheckedQuery {
  soql: string;
  object: string;
  columns: string[];
}

const REFUSER = 'DMS exports';

/** What an export cannot be: it gives one row per record, through Bulk API 2.0 query when large. */
function refuseShapes(source: SoqlSource, query: SoqlQuery): void {
  const refuse = (at: number, reason: string) => source.error(at, 'EXPORT_UNSUPPORTED', reason);
  for (const item of query.select) {
    if (item.kind === 'subquery') {
      throw refuse(item.at, 'A parent-to-child subquery is not exported: export the child object with its lookup instead.');
    }
    if (item.kind === 'fields') throw refuse(item.at, `FIELDS(${item.which}) is not exported: list the fields.`);
    if (item.kind === 'aggregate') throw refuse(item.at, 'Aggregates are not exported: an export is one row per record.');
  }
  if (query.groupBy.length > 0 || query.having) {
    throw refuse(query.groupByAt || query.havingAt, 'GROUP BY is not exported.');
  }
  if (query.offset !== undefined) {
    throw refuse(query.offsetAt, 'OFFSET is not exported (Bulk API 2.0 refuses it): filter on Id or CreatedDate.');
  }
  if (query.forClause) throw refuse(query.forClause.at, `FOR ${query.forClause.kind} is not exported.`);
}

/** Checks one query level (the export's, or a semi-join's) against describe; returns its root describe. */
class QueryChecker {
  constructor(private readonly source: SoqlSource, private readonly describeOf: DescribeLoader) {}

  async root(query: SoqlQuery): Promise<DescribeSObjectResult> {
    const root = await this.describeOf(query.object);
    if (!root) {
      const reason = `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, `
        + "be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
        + 'appropriate names.';
      throw this.source.error(query.objectAt, 'INVALID_TYPE', reason);
    }
    return root;
  }

  /** `a.Name` with `FROM Account a` is `Name`. */
  path(query: SoqlQuery, path: string): string {
    const prefix = query.alias ? `${query.alias.toLowerCase()}.` : undefined;
    return prefix && path.toLowerCase().startsWith(prefix) ? path.slice(prefix.length) : path;
  }

  async columns(query: SoqlQuery, root: DescribeSObjectResult): Promise<string[]> {
    const columns: string[] = [];
    for (const item of query.select) {
      if (item.kind !== 'field') continue;
      const { path } = await resolvePath(this.source, item.at, root, this.path(query, item.path), this.describeOf);
      if (columns.some((column) => column.toLowerCase() === path.toLowerCase())) {
        throw this.source.malformed(item.at, `duplicate field selected: ${path}`);
      }
      columns.push(path);
    }
    return columns;
  }

  async condition(query: SoqlQuery, root: DescribeSObjectResult, condition: Condition): Promise<void> {
    switch (condition.kind) {
      case 'and':
      case 'or':
        for (const part of condition.parts) await this.condition(query, root, part);
        return;
      case 'not':
        return this.condition(query, root, condition.inner);
      case 'compare':
        checkLiteral(this.source, await this.filtered(query, root, condition.left, condition.at), condition.value);
        return;
      case 'in':
      case 'includes': {
        const field = await this.filtered(query, root, condition.left, condition.at);
        for (const value of condition.values) checkLiteral(this.source, field, value);
        return;
      }
      case 'semiJoin':
        await this.filtered(query, root, condition.left, condition.at);
        await this.query(condition.query);
    }
  }

  /** The field a condition filters on (never an aggregate in WHERE). */
  private async filtered(query: SoqlQuery, root: DescribeSObjectResult, left: Operand, at: number): Promise<Field> {
    if (left.kind !== 'field') throw this.source.malformed(at, 'An aggregate cannot be filtered in WHERE.');
    return (await resolvePath(this.source, left.at, root, this.path(query, left.path), this.describeOf)).field;
  }

  async query(query: SoqlQuery): Promise<string[]> {
    const root = await this.root(query);
    const columns = await this.columns(query, root);
    if (query.where) await this.condition(query, root, query.where);
    for (const item of query.orderBy) {
      const { operand } = item;
      if (operand.kind !== 'field') throw this.source.malformed(operand.at, 'ORDER BY an aggregate is not exported.');
      await resolvePath(this.source, operand.at, root, this.path(query, operand.path), this.describeOf);
    }
    return columns;
  }
}

/**
 * Checks an export's SOQL against describe before anything runs: the syntax, the object, every field path in SELECT,
 * WHERE (with each value's type, as an org checks it) and ORDER BY, with the org's error texts and positions
 * (`ERROR at Row:1:Column:37`). Refused as SOQL_INVALID (400) with the org's error code in front.
 */
export async function checkQuery(soql: string, describeOf: DescribeLoader): Promise<CheckedQuery> {
  const source = new SoqlSource(soql, REFUSER);
  try {
    const query = parseSoql(source);
    refuseShapes(source, query);
    const checker = new QueryChecker(source, describeOf);
    const columns = await checker.query(query);
    const root = await checker.root(query);
    return { soql, object: root.name, columns };
  } catch (error) {
    if (!(error instanceof SoqlError)) throw error;
    const details = { errorCode: error.errorCode };
    throw new AppError('SOQL_INVALID', 400, `${error.errorCode}: ${error.message.trim()}`, { details });
  }
}
