import { SoqlSyntaxError, tokenize, type Token } from './tokenizer.js';

export type Literal = string | number | boolean | null | { date: string };
export type Condition =
  | { kind: 'and'; left: Condition; right: Condition }
  | { kind: 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; path: string; op: string; value: Literal }
  | { kind: 'in'; path: string; values: Literal[]; negate: boolean };

export interface OrderItem {
  path: string;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  fields: string[];
  count: boolean;
  object: string;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

/** A recursive-descent parser for the SOQL subset: SELECT fields|COUNT() FROM obj [WHERE] [ORDER BY] [LIMIT] [OFFSET]. */
class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private keyword(word: string): void {
    if (!this.isKeyword(word)) throw new SoqlSyntaxError(`expecting '${word}', found '${this.peek()?.text ?? 'end of query'}'`);
    this.pos++;
  }

  private punct(text: string): void {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.text !== text) throw new SoqlSyntaxError(`expecting '${text}', found '${t?.text ?? 'end of query'}'`);
    this.pos++;
  }

  private ident(): string {
    const t = this.peek();
    if (t?.kind !== 'ident') throw new SoqlSyntaxError(`unexpected token: '${t?.text ?? 'end of query'}'`);
    this.pos++;
    return t.text;
  }

  private integer(): number {
    const t = this.peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) throw new SoqlSyntaxError(`expecting a number, found '${t?.text ?? 'end of query'}'`);
    this.pos++;
    return Number(t.text);
  }

  parse(): SoqlQuery {
    this.keyword('SELECT');
    const query: SoqlQuery = { fields: [], count: false, object: '', orderBy: [] };
    if (this.isKeyword('COUNT') && this.tokens[this.pos + 1]?.text === '(') {
      this.pos++;
      this.punct('(');
      this.punct(')');
      query.count = true;
    } else {
      do query.fields.push(this.ident()); while (this.peek()?.text === ',' && ++this.pos);
    }
    this.keyword('FROM');
    query.object = this.ident();
    if (this.isKeyword('WHERE')) {
      this.pos++;
      query.where = this.orExpr();
    }
    if (this.isKeyword('ORDER')) {
      this.pos++;
      this.keyword('BY');
      do query.orderBy.push(this.orderItem()); while (this.peek()?.text === ',' && ++this.pos);
    }
    if (this.isKeyword('LIMIT')) {
      this.pos++;
      query.limit = this.integer();
    }
    if (this.isKeyword('OFFSET')) {
      this.pos++;
      query.offset = this.integer();
    }
    if (this.peek()) throw new SoqlSyntaxError(`unexpected token: '${this.peek()!.text}'`);
    return query;
  }

  private orderItem(): OrderItem {
    const path = this.ident();
    let descending = false;
    if (this.isKeyword('ASC')) this.pos++;
    else if (this.isKeyword('DESC')) {
      this.pos++;
      descending = true;
    }
    let nullsLast = descending;
    if (this.isKeyword('NULLS')) {
      this.pos++;
      nullsLast = this.isKeyword('LAST');
      this.pos++;
    }
    return { path, descending, nullsLast };
  }

  private orExpr(): Condition {
    let left = this.andExpr();
    while (this.isKeyword('OR')) {
      this.pos++;
      left = { kind: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Condition {
    let left = this.unary();
    while (this.isKeyword('AND')) {
      this.pos++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Condition {
    if (this.isKeyword('NOT')) {
      this.pos++;
      return { kind: 'not', inner: this.unary() };
    }
    if (this.peek()?.text === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.punct(')');
      return inner;
    }
    const path = this.ident();
    if (this.isKeyword('IN') || (this.isKeyword('NOT') && this.tokens[this.pos + 1]?.text.toUpperCase() === 'IN')) {
      const negate = this.isKeyword('NOT');
      this.pos += negate ? 2 : 1;
      this.punct('(');
      const values: Literal[] = [this.literal()];
      while (this.peek()?.text === ',') {
        this.pos++;
        values.push(this.literal());
      }
      this.punct(')');
      return { kind: 'in', path, values, negate };
    }
    if (this.isKeyword('LIKE')) {
      this.pos++;
      return { kind: 'compare', path, op: 'LIKE', value: this.literal() };
    }
    const op = this.peek();
    if (op?.kind !== 'op') throw new SoqlSyntaxError(`unexpected token: '${op?.text ?? 'end of query'}'`);
    this.pos++;
    return { kind: 'compare', path, op: op.text, value: this.literal() };
  }

  private literal(): Literal {
    const t = this.peek();
    this.pos++;
    if (t?.kind === 'string') return t.text;
    if (t?.kind === 'number') return Number(t.text);
    if (t?.kind === 'date') return { date: t.text };
    if (t?.kind === 'ident') {
      const word = t.text.toLowerCase();
      if (word === 'null') return null;
      if (word === 'true' || word === 'false') return word === 'true';
    }
    throw new SoqlSyntaxError(`unexpected token: '${t?.text ?? 'end of query'}'`);
  }
}

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).parse();
}
