import type { OrderItem, SelectItem, SoqlQuery } from './ast.js';
import type { SoqlSource } from './errors.js';
import { isAggregateAhead, parseAggregate } from './parse-aggregate.js';
import { parseCondition } from './parse-condition.js';
import { RESERVED, TokenStream } from './token-stream.js';

/** Functions SOQL has that the Local org does not evaluate: refused by name rather than misread. */
const UNSUPPORTED_FUNCTIONS = new Set([
  'TOLABEL', 'FORMAT', 'CONVERTCURRENCY', 'CONVERTTIMEZONE', 'GROUPING', 'DISTANCE', 'GEOLOCATION', 'CALENDAR_MONTH',
  'CALENDAR_QUARTER', 'CALENDAR_YEAR', 'DAY_IN_MONTH', 'DAY_IN_WEEK', 'DAY_IN_YEAR', 'DAY_ONLY', 'FISCAL_MONTH',
  'FISCAL_QUARTER', 'FISCAL_YEAR', 'HOUR_IN_DAY', 'WEEK_IN_MONTH', 'WEEK_IN_YEAR', 'ROLLUP', 'CUBE',
]);

function unsupported(stream: TokenStream, what: string): Error {
  return stream.source.malformed(stream.at, `${what} is not supported by ${stream.source.refuser}`);
}

function selectItem(stream: TokenStream, query: SoqlQuery): SelectItem {
  const at = stream.at;
  if (stream.isPunct('(')) {
    stream.punct('(');
    const inner = parseQuery(stream, true);
    stream.punct(')');
    return { kind: 'subquery', query: inner, at };
  }
  if (stream.isKeyword('TYPEOF')) throw unsupported(stream, 'TYPEOF');
  if (stream.isKeyword('FIELDS') && stream.isPunct('(', 1)) {
    stream.next();
    stream.punct('(');
    const which = stream.next().text.toUpperCase();
    if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') {
      throw stream.source.malformed(at, `unexpected token: '${which}'`);
    }
    stream.punct(')');
    return { kind: 'fields', which, at };
  }
  if (isAggregateAhead(stream)) {
    const call = parseAggregate(stream);
    if (call.path === null) {
      query.countOnly = true;
      return call;
    }
    const alias = stream.peek();
    if (alias?.kind === 'ident' && !RESERVED.has(alias.text.toUpperCase())) return { ...call, alias: stream.next().text };
    return call;
  }
  const t = stream.peek();
  if (t?.kind === 'ident' && stream.isPunct('(', 1) && UNSUPPORTED_FUNCTIONS.has(t.text.toUpperCase())) {
    throw unsupported(stream, `${t.text.toUpperCase()}()`);
  }
  return { kind: 'field', path: stream.ident().text, at };
}

function orderItem(stream: TokenStream): OrderItem {
  const at = stream.at;
  const operand = isAggregateAhead(stream)
    ? parseAggregate(stream)
    : { kind: 'field' as const, path: stream.ident().text, at };
  let descending = false;
  if (stream.accept('DESC')) descending = true;
  else stream.accept('ASC');
  let nullsLast = descending;
  if (stream.accept('NULLS')) {
    if (stream.accept('LAST')) nullsLast = true;
    else if (stream.accept('FIRST')) nullsLast = false;
    else throw stream.unexpected();
  }
  return { operand, descending, nullsLast };
}

function list<T>(stream: TokenStream, item: () => T): T[] {
  const items = [item()];
  while (stream.isPunct(',')) {
    stream.punct(',');
    items.push(item());
  }
  return items;
}

/** SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT] [OFFSET] [FOR VIEW|REFERENCE|UPDATE]. */
function parseQuery(stream: TokenStream, nested: boolean): SoqlQuery {
  stream.keyword('SELECT');
  const query: SoqlQuery = {
    select: [], countOnly: false, object: '', objectAt: 0, groupBy: [], groupByAt: 0, havingAt: 0,
    orderBy: [], limitAt: 0, offsetAt: 0,
  };
  query.select = list(stream, () => selectItem(stream, query));
  stream.keyword('FROM');
  const object = stream.ident();
  query.object = object.text;
  query.objectAt = object.at;
  const alias = stream.peek();
  if (alias?.kind === 'ident' && !RESERVED.has(alias.text.toUpperCase())) query.alias = stream.next().text;
  if (stream.isKeyword('USING')) throw unsupported(stream, 'USING SCOPE');
  if (stream.accept('WHERE')) query.where = parseCondition(stream, false, () => parseQuery(stream, true));
  if (stream.isKeyword('WITH')) throw unsupported(stream, 'WITH');
  if (stream.isKeyword('GROUP')) {
    query.groupByAt = stream.keyword('GROUP');
    stream.keyword('BY');
    if (stream.isKeyword('ROLLUP') || stream.isKeyword('CUBE')) throw unsupported(stream, 'GROUP BY ROLLUP/CUBE');
    query.groupBy = list(stream, () => ({ kind: 'field' as const, at: stream.at, path: stream.ident().text }));
  }
  if (stream.isKeyword('HAVING')) {
    query.havingAt = stream.keyword('HAVING');
    query.having = parseCondition(stream, true, () => parseQuery(stream, true));
  }
  if (stream.accept('ORDER')) {
    stream.keyword('BY');
    query.orderBy = list(stream, () => orderItem(stream));
  }
  if (stream.isKeyword('LIMIT')) {
    query.limitAt = stream.keyword('LIMIT');
    query.limit = stream.integer().value;
  }
  if (stream.isKeyword('OFFSET')) {
    query.offsetAt = stream.keyword('OFFSET');
    query.offset = stream.integer().value;
  }
  if (!nested && stream.isKeyword('FOR')) {
    const at = stream.keyword('FOR');
    const kind = stream.next().text.toUpperCase();
    if (kind !== 'VIEW' && kind !== 'REFERENCE' && kind !== 'UPDATE') {
      throw stream.source.malformed(at, `unexpected token: '${kind}'`);
    }
    query.forClause = { kind, at };
    if (stream.accept('UPDATE')) stream.next();
  }
  if (!nested && !stream.done) throw stream.unexpected();
  return query;
}

export function parseSoql(source: SoqlSource): SoqlQuery {
  return parseQuery(new TokenStream(source), false);
}
