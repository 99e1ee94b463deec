import { ExpressionError, tokenize, type Token } from './lexer.js';

export type Node =
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'column'; name: string; pos: number }
  | { type: 'unary'; op: '-' | 'not'; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node }
  | { type: 'call'; name: string; args: Node[]; pos: number };

const COMPARISON = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=']);
const MAX_DEPTH = 64;

/**
 * Recursive descent over the grammar in docs/frame.md:
 * or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | cmp ;
 * cmp := add (cmpop add)? ; add := mul (('+'|'-') mul)* ; mul := unary (('*'|'/'|'%') unary)* ;
 * unary := '-' unary | primary ; primary := literal | column | call | '(' or ')'.
 */
export function parseExpression(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  let depth = 0;
  const peek = (): Token => tokens[at];
  const isOp = (value: string): boolean => { const t = peek(); return t.kind === 'op' && t.value === value; };
  const isWord = (value: string): boolean => {
    const t = peek();
    return t.kind === 'ident' && t.value.toLowerCase() === value;
  };
  const expect = (value: string): void => {
    if (!isOp(value)) throw new ExpressionError(`expected '${value}'`, peek().pos);
    at++;
  };
  const nested = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply', peek().pos);
    try { return fn(); } finally { depth--; }
  };

  const or = (): Node => {
    let left = and();
    while (isWord('or') || isOp('||')) { at++; left = { type: 'binary', op: 'or', left, right: and() }; }
    return left;
  };
  const and = (): Node => {
    let left = not();
    while (isWord('and') || isOp('&&')) { at++; left = { type: 'binary', op: 'and', left, right: not() }; }
    return left;
  };
  const not = (): Node => {
    if (isWord('not') || isOp('!')) { at++; return nested(() => ({ type: 'unary', op: 'not', operand: not() })); }
    return comparison();
  };
  const comparison = (): Node => {
    const left = additive();
    const t = peek();
    if (t.kind === 'op' && COMPARISON.has(t.value)) {
      at++;
      const op = t.value === '==' ? '=' : t.value === '<>' ? '!=' : t.value;
      return { type: 'binary', op, left, right: additive() };
    }
    return left;
  };
  const additive = (): Node => {
    let left = multiplicative();
    while (isOp('+') || isOp('-')) {
      const op = (peek() as { value: string }).value;
      at++;
      left = { type: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): Node => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (peek() as { value: string }).value;
      at++;
      left = { type: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp('-')) { at++; return nested(() => ({ type: 'unary', op: '-', operand: unary() })); }
    return primary();
  };
  const primary = (): Node => {
    const t = peek();
    if (t.kind === 'number' || t.kind === 'string') { at++; return { type: 'literal', value: t.value }; }
    if (t.kind === 'column') { at++; return { type: 'column', name: t.value, pos: t.pos }; }
    if (t.kind === 'op' && t.value === '(') {
      at++;
      const inner = nested(or);
      expect(')');
      return inner;
    }
    if (t.kind === 'ident') {
      at++;
      const lower = t.value.toLowerCase();
      if (isOp('(')) {
        at++;
        const args: Node[] = [];
        if (!isOp(')')) {
          do { args.push(nested(or)); } while (isOp(',') && ++at);
        }
        expect(')');
        return { type: 'call', name: lower, args, pos: t.pos };
      }
      if (lower === 'true' || lower === 'false') return { type: 'literal', value: lower === 'true' };
      if (lower === 'null') return { type: 'literal', value: null };
      return { type: 'column', name: t.value, pos: t.pos };
    }
    throw new ExpressionError(t.kind === 'eof' ? 'unexpected end of expression' : 'unexpected token', t.pos);
  };

  const tree = or();
  if (peek().kind !== 'eof') throw new ExpressionError('unexpected token after the end of the expression', peek().pos);
  return tree;
}
