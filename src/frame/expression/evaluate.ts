import type { Value } from '../frame.js';
import { ExpressionError } from './lexer.js';
import { parseExpression, type Node } from './parser.js';
import { FUNCTIONS, type EvalEnv } from './functions.js';
import { RowEvalError, asNumber, compare, equals, truthy } from './values.js';
import { rowMessage } from '../../row-messages/index.js';

/** Reads one row's cells: `data[c][r]`. */
export type RowEvaluator = (data: Value[][], r: number) => Value;

/** Checks an expression without columns (pipeline validation): syntax, function names and arities. */
export function checkExpression(source: string): Node {
  const tree = parseExpression(source);
  walk(tree, (node) => {
    if (node.type !== 'call') return;
    const def = FUNCTIONS[node.name];
    if (!def) throw new ExpressionError(`unknown function '${node.name}'`, node.pos);
    if (node.args.length < def.min || node.args.length > def.max) {
      const arity = def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
      throw new ExpressionError(`${node.name}() takes ${arity} argument(s), not ${node.args.length}`, node.pos);
    }
  });
  return tree;
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  if (node.type === 'unary') walk(node.operand, visit);
  if (node.type === 'binary') { walk(node.left, visit); walk(node.right, visit); }
  if (node.type === 'call') node.args.forEach((arg) => walk(arg, visit));
}

/** Column names resolve exactly first, then case-insensitively; an unknown name is an error now, not per row. */
export function resolveColumn(columns: readonly string[], name: string): number {
  const exact = columns.indexOf(name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  return columns.findIndex((c) => c.toLowerCase() === lower);
}

/**
 * Turns the tree into nested closures once per chunk: the tree is interpreted by DMS's own
 * code (no eval, no Function), and each row then costs only the closure calls.
 */
export function compileExpression(source: string, columns: readonly string[], env: EvalEnv): RowEvaluator {
  return build(checkExpression(source), columns, env);
}

function build(node: Node, columns: readonly string[], env: EvalEnv): RowEvaluator {
  switch (node.type) {
    case 'literal': { const value = node.value; return () => value; }
    case 'column': {
      const c = resolveColumn(columns, node.name);
      if (c < 0) throw new ExpressionError(`unknown column '${node.name}'`, node.pos);
      return (data, r) => data[c][r];
    }
    case 'unary': {
      const operand = build(node.operand, columns, env);
      if (node.op === 'not') return (data, r) => !truthy(operand(data, r));
      return (data, r) => { const n = asNumber(operand(data, r)); return n === null ? null : -n; };
    }
    case 'call': {
      const def = FUNCTIONS[node.name];
      const args = node.args.map((arg) => build(arg, columns, env));
      return (data, r) => def.fn(args.map((arg) => arg(data, r)), env);
    }
    case 'binary': return binary(node.op, build(node.left, columns, env), build(node.right, columns, env));
  }
}

function binary(op: string, left: RowEvaluator, right: RowEvaluator): RowEvaluator {
  switch (op) {
    case 'and': return (d, r) => truthy(left(d, r)) && truthy(right(d, r));
    case 'or': return (d, r) => truthy(left(d, r)) || truthy(right(d, r));
    case '=': return (d, r) => equals(left(d, r), right(d, r));
    case '!=': return (d, r) => !equals(left(d, r), right(d, r));
    case '<': case '<=': case '>': case '>=': {
      const test = ORDER[op];
      return (d, r) => {
        const a = left(d, r);
        const b = right(d, r);
        return a === null || b === null ? null : test(compare(a, b));
      };
    }
    default: {
      const apply = ARITHMETIC[op];
      return (d, r) => {
        const a = asNumber(left(d, r));
        const b = asNumber(right(d, r));
        return a === null || b === null ? null : apply(a, b);
      };
    }
  }
}

const ORDER: Record<string, (order: number) => boolean> = {
  '<': (o) => o < 0, '<=': (o) => o <= 0, '>': (o) => o > 0, '>=': (o) => o >= 0,
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => { if (b === 0) throw new RowEvalError(rowMessage('row.expr.divisionByZero')); return a / b; },
  '%': (a, b) => { if (b === 0) throw new RowEvalError(rowMessage('row.expr.divisionByZero')); return a % b; },
};

export { RowEvalError, ExpressionError };
