import { AGGREGATE_FUNCTIONS, type AggregateCall, type AggregateFunction } from './ast.js';
import type { TokenStream } from './token-stream.js';

/** `FN(path)` or `COUNT()`, the function name already next in the stream. */
export function parseAggregate(stream: TokenStream): AggregateCall {
  const name = stream.next();
  const fn = name.text.toUpperCase() as AggregateFunction;
  stream.punct('(');
  const argAt = stream.at;
  const path = fn === 'COUNT' && stream.isPunct(')') ? null : stream.ident().text;
  stream.punct(')');
  return { kind: 'aggregate', fn, path, written: name.text, at: name.at, argAt };
}

export function isAggregateAhead(stream: TokenStream): boolean {
  const t = stream.peek();
  const named = t?.kind === 'ident' && AGGREGATE_FUNCTIONS.includes(t.text.toUpperCase() as AggregateFunction);
  return named && stream.isPunct('(', 1);
}
