import type { Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import type { Literal } from '../../soql/ast.js';
import { dateLiteralRange } from '../../soql/date-literals.js';
import type { SoqlSource } from '../../soql/errors.js';
import { checkLiteral, type Kind } from '../../soql/literal-types.js';

export { kindOf, type Kind } from '../../soql/literal-types.js';

/** A value ready to compare with normalized field values, or a date literal's range. */
export type Operand = string | number | boolean | null | { start: string | number; end: string | number };

/** Stored datetimes look like 2024-03-20T21:42:13.000+0000. */
export function dateTimeMs(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2}):?(\d{2})$/, '$1:$2'));
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A stored value in the form typedLiteral produces, so the two compare directly. */
export function normalize(kind: Kind, value: Value): string | number | boolean | null {
  if (value === null) return null;
  if (kind === 'string') return String(value).toLowerCase();
  if (kind === 'datetime') return dateTimeMs(String(value));
  return value;
}

/** Checks a literal against the field's type as an org does and converts it; a wrong type is an INVALID_FIELD error. */
export function typedLiteral(source: SoqlSource, field: FieldDescribe, literal: Literal): Operand {
  if (literal.kind === 'null') return null;
  const { kind, id18 } = checkLiteral(source, field, literal);
  if (id18) return id18;
  if (literal.kind === 'string') return literal.value.toLowerCase();
  if (literal.kind === 'boolean') return literal.value;
  if (literal.kind === 'number') return Number(literal.text);
  if (literal.kind === 'dateLiteral') {
    const range = dateLiteralRange(literal.name, literal.n);
    return kind === 'date' ? { start: isoDate(range.start), end: isoDate(range.end) } : range;
  }
  return kind === 'date' ? literal.text : Date.parse(literal.text);
}

export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A predicate for `value <op> operand` (date literal ranges: `=` is within, `<` before the start, `>` after the end). */
export function comparison(op: string, operand: Operand): (value: string | number | boolean | null) => boolean {
  if (operand !== null && typeof operand === 'object') {
    const { start, end } = operand;
    const within = (v: string | number | boolean) => compareValues(v, start) >= 0 && compareValues(v, end) < 0;
    const tests: Record<string, (v: string | number | boolean) => boolean> = {
      '=': within,
      '!=': (v) => !within(v),
      '<': (v) => compareValues(v, start) < 0,
      '<=': (v) => compareValues(v, end) < 0,
      '>': (v) => compareValues(v, end) >= 0,
      '>=': (v) => compareValues(v, start) >= 0,
    };
    const test = tests[op];
    return op === '!=' ? (v) => v === null || test(v) : (v) => v !== null && test(v);
  }
  if (op === '=') return (v) => (operand === null ? v === null : v !== null && compareValues(v, operand) === 0);
  if (op === '!=') return (v) => (operand === null ? v !== null : v === null || compareValues(v, operand) !== 0);
  const sign: Record<string, (n: number) => boolean> = {
    '<': (n) => n < 0, '<=': (n) => n <= 0, '>': (n) => n > 0, '>=': (n) => n >= 0,
  };
  const test = sign[op];
  return (v) => v !== null && operand !== null && test(compareValues(v, operand));
}
