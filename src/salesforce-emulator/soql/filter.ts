import type { Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import type { Condition, FieldRef, Literal, Operand as OperandRef, SoqlQuery } from '../../soql/ast.js';
import type { SoqlSource } from '../../soql/errors.js';
import { comparison, kindOf, normalize, typedLiteral, type Operand } from './values.js';

/** How a filter reads an operand from the items it filters (rows for WHERE, groups for HAVING). */
export interface FilterContext<T> {
  source: SoqlSource;
  operand(ref: OperandRef): { field: FieldDescribe; get: (item: T) => Value };
  /** The ids a semi-join subquery selects, computed once. */
  semiJoin(left: FieldRef, query: SoqlQuery, at: number): () => Set<string>;
}

export type Predicate<T> = (item: T) => boolean;

/**
 * The regular expression of a LIKE pattern. A leading or trailing `%` drops its anchor instead of matching
 * `[\s\S]*`, so `'Smith%'` is a prefix test that stops after a few characters rather than running to the end.
 */
function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) source += pattern[++i];
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const anyText = '[\\s\\S]*';
  const start = source.startsWith(anyText) ? source.slice(anyText.length) : `^${source}`;
  const body = start.endsWith(anyText) ? start.slice(0, -anyText.length) : `${start}$`;
  return new RegExp(body, 'i');
}

function checkFilterable(source: SoqlSource, field: FieldDescribe, at: number): void {
  if ((field as { filterable?: boolean }).filterable === false) {
    throw source.invalidField(at, `field '${field.name}' can not be filtered in query call`);
  }
}

function like<T>(ctx: FilterContext<T>, left: OperandRef, value: Literal): Predicate<T> {
  const { field, get } = ctx.operand(left);
  if (kindOf(field) !== 'string' || value.kind !== 'string') {
    const reason = `invalid operator on field '${field.name}': LIKE compares string fields with a quoted pattern`;
    throw ctx.source.invalidField(value.at, reason);
  }
  const regex = likeRegex(value.value);
  return (item) => {
    const v = get(item);
    return v !== null && regex.test(String(v));
  };
}

function includes<T>(ctx: FilterContext<T>, left: FieldRef, values: Literal[], negate: boolean): Predicate<T> {
  const { field, get } = ctx.operand(left);
  if (field.type !== 'multipicklist') {
    const reason = `INCLUDES and EXCLUDES can only be used with multi-select picklist fields: '${field.name}'`;
    throw ctx.source.invalidField(left.at, reason);
  }
  const parts = (v: Literal) => String(typedLiteral(ctx.source, field, v) ?? '').split(';').map((s) => s.trim());
  const wanted = values.map((v) => parts(v).filter(Boolean));
  return (item) => {
    const v = get(item);
    const held = new Set(v === null ? [] : String(v).toLowerCase().split(';').map((s) => s.trim()));
    const hit = wanted.some((all) => all.length > 0 && all.every((x) => held.has(x)));
    return hit !== negate;
  };
}

/**
 * `IN (...)` of plain values as one lookup instead of a comparison per value (a few hundred values over a large
 * object is what an upsert's before-images ask for); the same answers as `comparison('=', ...)` for each value:
 * numbers equal numerically, anything else by its text. Undefined when a value is a date range.
 */
function memberOf(operands: Operand[]): ((v: string | number | boolean | null) => boolean) | undefined {
  if (operands.some((o) => o !== null && typeof o === 'object')) return undefined;
  const numbers = new Set<number>();
  const texts = new Set<string>();
  const textsOfOthers = new Set<string>();
  let withNull = false;
  for (const o of operands as (string | number | boolean | null)[]) {
    if (o === null) withNull = true;
    else {
      texts.add(String(o));
      if (typeof o === 'number') numbers.add(o);
      else textsOfOthers.add(String(o));
    }
  }
  return (v) => {
    if (v === null) return withNull;
    if (typeof v === 'number') return numbers.has(v) || textsOfOthers.has(String(v));
    return texts.has(String(v));
  };
}

/** Compiles a WHERE/HAVING condition, checking every literal against its field's type. */
export function compileFilter<T>(ctx: FilterContext<T>, c: Condition): Predicate<T> {
  switch (c.kind) {
    case 'and': case 'or': {
      const parts = c.parts.map((p) => compileFilter(ctx, p));
      return c.kind === 'and' ? (item) => parts.every((p) => p(item)) : (item) => parts.some((p) => p(item));
    }
    case 'not': {
      const inner = compileFilter(ctx, c.inner);
      return (item) => !inner(item);
    }
    case 'includes':
      return includes(ctx, c.left, c.values, c.negate);
    case 'semiJoin': {
      const { field, get } = ctx.operand(c.left);
      if (kindOf(field) !== 'id') {
        const reason = `semi join sub selects can only be compared with id fields, cannot use: '${field.name}'`;
        throw ctx.source.invalidField(c.left.at, reason);
      }
      const ids = ctx.semiJoin(c.left, c.query, c.at);
      return (item) => {
        const v = get(item);
        return v !== null && ids().has(String(v)) !== c.negate;
      };
    }
    case 'in': {
      const { field, get } = ctx.operand(c.left);
      if (c.left.kind === 'field') checkFilterable(ctx.source, field, c.left.at);
      const kind = kindOf(field);
      const operands = c.values.map((v) => typedLiteral(ctx.source, field, v));
      const member = memberOf(operands);
      if (member) return (item) => member(normalize(kind, get(item))) !== c.negate;
      const tests = operands.map((operand) => comparison('=', operand));
      return (item) => {
        const v = normalize(kind, get(item));
        return tests.some((t) => t(v)) !== c.negate;
      };
    }
    case 'compare': {
      if (c.op === 'LIKE') return like(ctx, c.left, c.value);
      const { field, get } = ctx.operand(c.left);
      if (c.left.kind === 'field') checkFilterable(ctx.source, field, c.left.at);
      const kind = kindOf(field);
      const test = comparison(c.op, typedLiteral(ctx.source, field, c.value));
      return (item) => test(normalize(kind, get(item)));
    }
  }
}
