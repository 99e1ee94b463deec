import { toId18 } from '../../salesforce/record-id.js';
import type { Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import type { Literal } from './ast.js';
import { dateLiteralRange } from './date-literals.js';
import type { SoqlSource } from './errors.js';

/** How a field's values compare in a filter; each kind has its own literal form. */
export type Kind = 'string' | 'id' | 'boolean' | 'number' | 'date' | 'datetime';

/** A value ready to compare with normalized field values, or a date literal's range. */
export type Operand = string | number | boolean | null | { start: string | number; end: string | number };

const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long']);

export function kindOf(field: FieldDescribe): Kind {
  if (field.type === 'id' || field.type === 'reference') return 'id';
  if (field.type === 'boolean') return 'boolean';
  if (NUMBER_TYPES.has(field.type)) return 'number';
  if (field.type === 'date' || field.type === 'datetime') return field.type;
  return 'string';
}

/** The type name an org's filter errors use. */
function typeName(field: FieldDescribe): string {
  const kind = kindOf(field);
  if (kind === 'datetime') return 'dateTime';
  if (kind === 'number') return field.type === 'int' ? 'integer' : 'double';
  return kind;
}

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

function wrongType(source: SoqlSource, field: FieldDescribe, literal: Literal): Error {
  const quoted = kindOf(field) === 'string' || kindOf(field) === 'id';
  const reason = `value of filter criterion for field '${field.name}' must be of type ${typeName(field)} `
    + `and should ${quoted ? '' : 'not '}be enclosed in quotes`;
  return source.invalidField(literal.at, reason);
}

/** Checks a literal against the field's type as an org does and converts it; a wrong type is an INVALID_FIELD error. */
export function typedLiteral(source: SoqlSource, field: FieldDescribe, literal: Literal): Operand {
  if (literal.kind === 'null') return null;
  const kind = kindOf(field);
  switch (kind) {
    case 'string':
      if (literal.kind !== 'string') throw wrongType(source, field, literal);
      return literal.value.toLowerCase();
    case 'id': {
      if (literal.kind !== 'string') throw wrongType(source, field, literal);
      const id = toId18(literal.value);
      if (!id) throw source.error(literal.at, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
      return id;
    }
    case 'boolean':
      if (literal.kind !== 'boolean') throw wrongType(source, field, literal);
      return literal.value;
    case 'number':
      if (literal.kind !== 'number') throw wrongType(source, field, literal);
      return Number(literal.text);
    case 'date':
    case 'datetime': {
      if (literal.kind === 'dateLiteral') {
        const range = dateLiteralRange(literal.name, literal.n);
        return kind === 'date' ? { start: isoDate(range.start), end: isoDate(range.end) } : range;
      }
      if (literal.kind !== kind) throw wrongType(source, field, literal);
      return kind === 'date' ? literal.text : Date.parse(literal.text);
    }
  }
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
