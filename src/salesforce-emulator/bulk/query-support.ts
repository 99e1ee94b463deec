import type { QueryOutcome } from '../soql/index.js';

/**
 * Why Bulk API 2.0 query refuses a query it cannot run (null when it runs it): GROUP BY, OFFSET,
 * aggregate functions, parent-to-child subqueries and FOR VIEW/REFERENCE, as the Bulk API 2.0 guide lists.
 */
export function bulkQueryRefusal(outcome: QueryOutcome): { errorCode: string; message: string } | null {
  const { query } = outcome;
  const refuse = (what: string) => ({ errorCode: 'API_ERROR', message: `${what} is not supported by Bulk API 2.0 query` });
  if (outcome.columns.some((c) => c.kind === 'child')) {
    const message = 'Aggregate Relationships not supported in Bulk V2 Query with CSV content type.';
    return { errorCode: 'FEATURENOTENABLED', message };
  }
  if (query.groupBy.length > 0) return refuse('GROUP BY');
  if (query.countOnly || outcome.kind === 'aggregate') return refuse('An aggregate function (COUNT(), SUM, ...)');
  if (query.offset !== undefined) return refuse('OFFSET');
  if (query.forClause) return refuse(`FOR ${query.forClause.kind}`);
  return null;
}
