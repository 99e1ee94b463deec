/** SOQL tokens: identifiers (dotted paths included), string/number/date literals, operators and punctuation. */
export type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'date'; text: string; at: number }
  | { kind: 'op'; text: string; at: number }
  | { kind: 'punct'; text: string; at: number };

export class SoqlSyntaxError extends Error {}

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))?/;
const NUMBER_LITERAL = /^[+-]?(?:\d+\.?\d*|\.\d+)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\'': '\'', '\\': '\\', '%': '\\%', _: '\\_' };

function readString(soql: string, start: number): { text: string; end: number } {
  let text = '';
  for (let i = start + 1; i < soql.length; i++) {
    const ch = soql[i];
    if (ch === '\\') {
      const next = soql[i + 1];
      if (next === undefined || !(next in ESCAPES)) throw new SoqlSyntaxError(`Invalid escape sequence at ${i}`);
      text += ESCAPES[next];
      i++;
    } else if (ch === '\'') {
      return { text, end: i + 1 };
    } else {
      text += ch;
    }
  }
  throw new SoqlSyntaxError('Unterminated string literal');
}

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = soql.slice(i, i + 40);
    if (ch === '\'') {
      const { text, end } = readString(soql, i);
      tokens.push({ kind: 'string', text, at: i });
      i = end;
      continue;
    }
    const date = DATE_LITERAL.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], at: i });
      i += date[0].length;
      continue;
    }
    const op = /^(?:!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '<>' ? '!=' : op[0], at: i });
      i += op[0].length;
      continue;
    }
    const number = NUMBER_LITERAL.exec(rest);
    if (number && (ch !== '+' && ch !== '-' || tokens.at(-1)?.kind === 'op')) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    if ('(),'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i++;
      continue;
    }
    const ident = IDENT.exec(soql.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    throw new SoqlSyntaxError(`unexpected token: '${ch}'`);
  }
  return tokens;
}
