import type { SoqlSource } from './errors.js';
import { tokenize, type Token } from './tokenizer.js';

/** Words that cannot name an object alias or an aggregate alias. */
export const RESERVED = new Set([
  'AND', 'ASC', 'DESC', 'EXCLUDES', 'FIRST', 'FROM', 'GROUP', 'HAVING', 'IN', 'INCLUDES', 'LAST', 'LIKE', 'LIMIT',
  'NOT', 'NULL', 'NULLS', 'OR', 'SELECT', 'WHERE', 'WITH', 'ORDER', 'OFFSET', 'FOR', 'USING', 'TYPEOF', 'BY',
]);

/** The tokens of a query with the small moves a recursive-descent parser makes; errors point at the token. */
export class TokenStream {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(readonly source: SoqlSource) {
    this.tokens = tokenize(source);
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  /** The offset of the next token, or the end of the query. */
  get at(): number {
    return this.peek()?.at ?? this.source.text.length;
  }

  next(): Token {
    const token = this.peek();
    if (!token) throw this.unexpected();
    this.pos++;
    return token;
  }

  isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'ident' && t.text.toUpperCase() === word;
  }

  isPunct(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'punct' && t.text === text;
  }

  /** Consumes the keyword when it is next. */
  accept(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  keyword(word: string): number {
    const at = this.at;
    if (!this.accept(word)) throw this.unexpected();
    return at;
  }

  punct(text: string): number {
    const at = this.at;
    if (!this.isPunct(text)) throw this.unexpected();
    this.pos++;
    return at;
  }

  ident(): Token {
    const t = this.peek();
    if (t?.kind !== 'ident' || RESERVED.has(t.text.toUpperCase())) throw this.unexpected();
    this.pos++;
    return t;
  }

  integer(): { value: number; at: number } {
    const t = this.peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) throw this.unexpected();
    this.pos++;
    return { value: Number(t.text), at: t.at };
  }

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  unexpected(): Error {
    const t = this.peek();
    const text = t?.kind === 'string' ? `'${t.text}'` : t?.text;
    return this.source.malformed(this.at, t ? `unexpected token: '${text}'` : 'unexpected token: <EOF>');
  }
}
