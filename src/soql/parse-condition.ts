import type { Condition, FieldRef, Literal, Operand, SoqlQuery } from './ast.js';
import { isDateLiteral, takesN } from './date-literals.js';
import { isAggregateAhead, parseAggregate } from './parse-aggregate.js';
import type { TokenStream } from './token-stream.js';

type SubqueryParser = () => SoqlQuery;

function literal(stream: TokenStream): Literal {
  const t = stream.next();
  if (t.kind === 'string') return { kind: 'string', value: t.text, at: t.at };
  if (t.kind === 'number') return { kind: 'number', text: t.text, at: t.at };
  if (t.kind === 'date' || t.kind === 'datetime') return { kind: t.kind, text: t.text, at: t.at };
  if (t.kind === 'ident') {
    const word = t.text.toUpperCase();
    if (word === 'NULL') return { kind: 'null', at: t.at };
    if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE', at: t.at };
    if (isDateLiteral(word)) {
      if (!takesN(word)) return { kind: 'dateLiteral', name: word, n: null, at: t.at };
      if (!stream.isPunct(':')) {
        throw stream.source.malformed(stream.at, `expecting a colon, found '${stream.peek()?.text ?? '<EOF>'}'`);
      }
      stream.punct(':');
      return { kind: 'dateLiteral', name: word, n: stream.integer().value, at: t.at };
    }
  }
  throw stream.source.malformed(t.at, `unexpected token: '${t.text}'`);
}

function literalList(stream: TokenStream): Literal[] {
  const values = [literal(stream)];
  while (stream.isPunct(',')) {
    stream.punct(',');
    values.push(literal(stream));
  }
  stream.punct(')');
  return values;
}

function operand(stream: TokenStream, allowAggregates: boolean): Operand {
  const at = stream.at;
  if (isAggregateAhead(stream)) {
    const call = parseAggregate(stream);
    if (!allowAggregates) {
      throw stream.source.malformed(at, 'Aggregate functions are not supported in the WHERE clause: use HAVING');
    }
    return call;
  }
  return { kind: 'field', path: stream.ident().text, at };
}

function simple(stream: TokenStream, allowAggregates: boolean, subquery: SubqueryParser): Condition {
  const left = operand(stream, allowAggregates);
  const at = stream.at;
  const negate = stream.isKeyword('NOT') && stream.isKeyword('IN', 1);
  if (negate) stream.next();
  if (stream.accept('IN')) {
    stream.punct('(');
    if (stream.isKeyword('SELECT')) {
      if (left.kind !== 'field') throw stream.source.malformed(at, 'unexpected token: \'SELECT\'');
      const query = subquery();
      stream.punct(')');
      return { kind: 'semiJoin', left, negate, query, at };
    }
    return { kind: 'in', left, negate, values: literalList(stream), at };
  }
  for (const word of ['INCLUDES', 'EXCLUDES']) {
    if (!stream.accept(word)) continue;
    stream.punct('(');
    return { kind: 'includes', left: left as FieldRef, negate: word === 'EXCLUDES', values: literalList(stream), at };
  }
  if (stream.accept('LIKE')) return { kind: 'compare', left, op: 'LIKE', value: literal(stream), at };
  const op = stream.peek();
  if (op?.kind !== 'op') throw stream.unexpected();
  stream.next();
  return { kind: 'compare', left, op: op.text, value: literal(stream), at };
}

function unary(stream: TokenStream, allowAggregates: boolean, subquery: SubqueryParser): Condition {
  if (stream.accept('NOT')) return { kind: 'not', inner: unary(stream, allowAggregates, subquery) };
  if (stream.isPunct('(')) {
    stream.punct('(');
    const inner = parseCondition(stream, allowAggregates, subquery);
    stream.punct(')');
    return inner;
  }
  return simple(stream, allowAggregates, subquery);
}

/**
 * A WHERE or HAVING condition. As in SOQL, AND and OR cannot be mixed at one level without
 * parentheses: `a AND b OR c` is refused at the OR.
 */
export function parseCondition(stream: TokenStream, allowAggregates: boolean, subquery: SubqueryParser): Condition {
  const first = unary(stream, allowAggregates, subquery);
  const joiner = stream.isKeyword('AND') ? 'AND' : stream.isKeyword('OR') ? 'OR' : null;
  if (!joiner) return first;
  const parts = [first];
  while (stream.accept(joiner)) parts.push(unary(stream, allowAggregates, subquery));
  if (stream.isKeyword(joiner === 'AND' ? 'OR' : 'AND')) throw stream.unexpected();
  return { kind: joiner === 'AND' ? 'and' : 'or', parts };
}
