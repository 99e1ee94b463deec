/** Tokens of the expression language; positions are 0-based offsets for error messages. */
export type Token =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'column'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

export class ExpressionError extends Error {
  constructor(message: string, readonly pos: number) {
    super(`${message} at position ${pos + 1}`);
    this.name = 'ExpressionError';
  }
}

const OPERATORS = ['<=', '>=', '<>', '!=', '==', '&&', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '!'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/u.test(ch)) { i++; continue; }
    const start = i;
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(source.slice(i));
      const text = match ? match[0] : ch;
      tokens.push({ kind: 'number', value: Number(text), pos: start });
      i += text.length;
    } else if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(source, i, ch);
      tokens.push({ kind: 'string', value, pos: start });
      i = end;
    } else if (ch === '[' || ch === '`') {
      const close = ch === '[' ? ']' : '`';
      const end = source.indexOf(close, i + 1);
      if (end < 0) throw new ExpressionError(`unclosed column name, expected '${close}'`, start);
      tokens.push({ kind: 'column', value: source.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (/[\p{L}_]/u.test(ch)) {
      const match = /^[\p{L}\p{N}_.]+/u.exec(source.slice(i));
      const text = match ? match[0] : ch;
      tokens.push({ kind: 'ident', value: text, pos: start });
      i += text.length;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw new ExpressionError(`unexpected character '${ch}'`, start);
      tokens.push({ kind: 'op', value: op, pos: start });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', pos: source.length });
  return tokens;
}

/** A quoted string; the quote is escaped by doubling it ('it''s') or with a backslash. */
function readQuoted(source: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\' && i + 1 < source.length) { value += source[i + 1]; i += 2; continue; }
    if (ch === quote) {
      if (source[i + 1] === quote) { value += quote; i += 2; continue; }
      return { value, end: i + 1 };
    }
    value += ch;
    i++;
  }
  throw new ExpressionError('unclosed string', start);
}
