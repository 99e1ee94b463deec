import { z } from 'zod';
import { AppError } from '../../errors.js';
import { SoqlSource, parseSoql, soqlString } from '../../soql/index.js';
import type { CheckedQuery } from '../../exports/index.js';
import { instantOf } from '../../salesforce/index.js';

/**
 * Where a query source got to: the last record moved, by Id (one-shot, ORDER BY Id) or by SystemModstamp then Id
 * (continuous, ORDER BY SystemModstamp, Id). Saved as JSON text in the transfer's position.
 */
export const KeysetPosition = z.object({ id: z.string().min(1).max(18), stamp: z.string().max(40).optional() });
export type KeysetPosition = z.infer<typeof KeysetPosition>;
/** A one-shot read through a Bulk API 2.0 query job: the job, and the locator of the page to read next (null: none). */
export const BulkPosition = z.object({
  jobId: z.string().min(1).max(40), locator: z.string().max(200).nullable(),
  /** Records of the job moved so far (its lag is what is left of the job's total). */
  moved: z.number().int().nonnegative().default(0),
});
export type BulkPosition = z.infer<typeof BulkPosition>;
export const QueryPosition = z.union([KeysetPosition, BulkPosition]);
export type QueryPosition = z.infer<typeof QueryPosition>;

/** A user's query split into what DMS pages over: `SELECT ... FROM object` and its WHERE condition, if any. */
export interface KeysetQuery {
  /** The query as written (what a Bulk query job runs). */
  soql: string;
  head: string;
  /** `FROM object [alias]`. */
  from: string;
  where?: string;
  /** The columns the user selected (records carry only these); Id and SystemModstamp are read in any case. */
  columns: string[];
  continuous: boolean;
}

const refuse = (message: string) => new AppError('TRANSFER_QUERY_INVALID', 400, message);
const has = (columns: string[], name: string) => columns.some((c) => c.toLowerCase() === name.toLowerCase());

/**
 * Splits a checked query so that each batch can be read after the last one: DMS adds the order and the limit, so
 * the query may not have its own ORDER BY, LIMIT or OFFSET (checkQuery refused the rest: aggregates, subqueries).
 */
export function keysetQuery(checked: CheckedQuery, continuous: boolean): KeysetQuery {
  const query = parseSoql(new SoqlSource(checked.soql, 'DMS transfers'));
  if (query.orderBy.length > 0 || query.limit !== undefined || query.offset !== undefined) {
    throw refuse('A transfer reads its query in order itself: leave out ORDER BY, LIMIT and OFFSET.');
  }
  const soql = checked.soql;
  const object = /^[A-Za-z_]\w*/.exec(soql.slice(query.objectAt))?.[0] ?? '';
  // `FROM Account a WHERE ...`: the alias stays with the object, the condition is what follows WHERE.
  const tail = /^(\s*(?:(?!WHERE\b)[A-Za-z_]\w*)?)\s*(?:WHERE\b([\s\S]*))?$/i.exec(soql.slice(query.objectAt + object.length));
  if (!object || !tail) throw refuse(`The query must read SELECT fields FROM ${checked.object} [WHERE conditions].`);
  const extra = ['Id', ...(continuous ? ['SystemModstamp'] : [])].filter((name) => !has(checked.columns, name));
  const from = soql.slice(0, query.objectAt + object.length) + tail[1].trimEnd();
  const select = from.replace(/^\s*SELECT\s+/i, `SELECT ${extra.map((e) => `${e}, `).join('')}`);
  const where = tail[2]?.trim();
  const fromAt = soql.slice(0, query.objectAt).search(/FROM\s*$/i);
  return { soql, head: select, from: from.slice(fromAt), where: where ? where : undefined, columns: checked.columns, continuous };
}

/** A REST datetime (`2026-12-06T14:00:00.123+0000`) as a SOQL datetime literal. */
const datetime = (stamp: string): string => new Date(instantOf(stamp)).toISOString();

/**
 * The query's own condition and, after a position, the records past it in the order the query is read; continuous,
 * with `settled`, only those stamped before it.
 */
function conditions(query: KeysetQuery, after: KeysetPosition | undefined, settled?: Date): string[] {
  const filters = query.where ? [`(${query.where})`] : [];
  if (query.continuous && settled) filters.push(`SystemModstamp < ${settled.toISOString()}`);
  if (after && query.continuous && after.stamp) {
    const at = datetime(after.stamp);
    filters.push(`(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(after.id)}))`);
  } else if (after) {
    filters.push(`Id > ${soqlString(after.id)}`);
  }
  return filters;
}

const whereOf = (filters: string[]): string => (filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : '');

/** How many records the query gives (one call: it decides between REST and Bulk), or how many are past `after`. */
export const countSoql = (query: KeysetQuery, after?: KeysetPosition): string =>
  `SELECT COUNT() ${query.from}${whereOf(conditions(query, after))}`;

/**
 * The query for the next `limit` records after `after` (from the first without); continuous, only those stamped
 * before `settled` (a moment a little in the past: every change of one second is then read together, none after
 * the position with a lower Id).
 */
export function nextPageSoql(query: KeysetQuery, after: KeysetPosition | undefined, limit: number, settled?: Date): string {
  const order = query.continuous ? 'SystemModstamp, Id' : 'Id';
  return `${query.head}${whereOf(conditions(query, after, settled))} ORDER BY ${order} LIMIT ${limit}`;
}
