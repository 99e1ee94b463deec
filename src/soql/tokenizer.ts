import type { SoqlSource } from './errors.js';

/** SOQL tokens: identifiers (dotted paths included), literals, operators and punctuation, each with its offset. */
export type Token =
  | { kind: 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct'; text: string; at: number };

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:T[0-9:.]*(?:Z|[+-][0-9:]*)?)?/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const OPERATOR = /^(?:!=|<>|<=|>=|=|<|>)/;
const ESCAPES: Record<string, string> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\'': '\'', '\\': '\\', '%': '\\%', _: '\\_',
};

function readString(source: SoqlSource, start: number): { text: string; end: number } {
  const soql = source.text;
  let text = '';
  for (let i = start + 1; i < soql.length; i++) {
    const ch = soql[i];
    if (ch === '\\') {
      const next = soql[i + 1];
      if (next === undefined || !(next in ESCAPES)) {
        const literal = soql.slice(start + 1, i + 2);
        throw source.malformed(start, `Invalid string literal '${literal}'. Illegal character sequence '\\${next ?? ''}' in string literal.`);
      }
      text += ESCAPES[next];
      i++;
    } else if (ch === '\'') {
      return { text, end: i + 1 };
    } else {
      text += ch;
    }
  }
  throw source.malformed(start, `Invalid string literal '${soql.slice(start + 1)}': a closing quote is missing.`);
}

/** A sign belongs to a number only where a value is expected (after an operator, `(` or `,`). */
function signAllowed(previous: Token | undefined): boolean {
  return previous?.kind === 'op' || (previous?.kind === 'punct' && (previous.text === '(' || previous.text === ','));
}

export function tokenize(source: SoqlSource): Token[] {
  const soql = source.text;
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = soql.slice(i, i + 40);
    const push = (kind: Token['kind'], text: string, length: number) => {
      tokens.push({ kind, text, at: i });
      i += length;
    };
    if (ch === '\'') {
      const { text, end } = readString(source, i);
      push('string', text, end - i);
      continue;
    }
    const date = DATE_LIKE.exec(rest);
    if (date) {
      const kind = DATE.test(date[0]) ? 'date' : DATETIME.test(date[0]) ? 'datetime' : null;
      if (!kind) throw source.malformed(i, `invalid date or dateTime literal: ${date[0]}`);
      push(kind, date[0], date[0].length);
      continue;
    }
    const op = OPERATOR.exec(rest);
    if (op) {
      push('op', op[0] === '<>' ? '!=' : op[0], op[0].length);
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && ((ch !== '+' && ch !== '-') || signAllowed(tokens.at(-1)))) {
      push('number', number[0], number[0].length);
      continue;
    }
    if ('(),:'.includes(ch)) {
      push('punct', ch, 1);
      continue;
    }
    const ident = IDENT.exec(soql.slice(i));
    if (ident) {
      push('ident', ident[0], ident[0].length);
      continue;
    }
    throw source.malformed(i, `unexpected token: '${ch}'`);
  }
  return tokens;
}
