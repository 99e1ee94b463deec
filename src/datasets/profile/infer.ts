export const COLUMN_TYPES = ['empty', 'integer', 'number', 'boolean', 'date', 'datetime', 'string'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Conservative: every character String.prototype.trim may remove is in this range (and a few more). */
const mayBeTrimmed = (c: number): boolean => c <= 32 || c === 0xa0 || c >= 0x1680;
// Only digits, signs, a dot or t/f can start anything but a string.
const mayBeTyped = (c: number): boolean => isDigit(c) || c === 43 || c === 45 || c === 46 || c === 116 || c === 102 || c === 84 || c === 70;

/**
 * Plain integers and decimals (the bulk of numeric columns) without a regular expression; undefined
 * when the text needs the full rules (exponents, anything else). Same answers as INTEGER and NUMBER.
 */
function scanNumber(value: string): ColumnType | undefined {
  const n = value.length;
  let i = value.charCodeAt(0) === 43 || value.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(value.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (i === n) return intDigits > 0 ? 'integer' : undefined;
  if (value.charCodeAt(i) !== 46) return undefined;
  const fracStart = ++i;
  while (i < n && isDigit(value.charCodeAt(i))) i++;
  if (i !== n) return undefined;
  return intDigits > 0 || i > fracStart ? 'number' : undefined;
}

/** The narrowest type a piece of text reads as (ISO dates only: other layouts stay strings). */
export function inferTextType(text: string): ColumnType {
  const n = text.length;
  if (n === 0) return 'empty';
  const value = mayBeTrimmed(text.charCodeAt(0)) || mayBeTrimmed(text.charCodeAt(n - 1)) ? text.trim() : text;
  if (value === '') return 'empty';
  if (!mayBeTyped(value.charCodeAt(0))) return 'string';
  const numeric = scanNumber(value);
  if (numeric) return numeric;
  if (INTEGER.test(value)) return 'integer';
  if (NUMBER.test(value)) return 'number';
  if (BOOLEAN.test(value)) return 'boolean';
  if (DATE.test(value) && !Number.isNaN(Date.parse(value))) return 'date';
  if (DATETIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')))) return 'datetime';
  return 'string';
}

export function inferValueType(value: unknown): ColumnType {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) {
    return value.getUTCHours() + value.getUTCMinutes() + value.getUTCSeconds() + value.getUTCMilliseconds() === 0 ? 'date' : 'datetime';
  }
  return inferTextType(String(value));
}

/** The type that holds both: integer widens to number, date to datetime; anything else mixed is string. */
export function widenType(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b || b === 'empty') return a;
  if (a === 'empty') return b;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number')) return 'number';
  if (pair.has('date') && pair.has('datetime')) return 'datetime';
  return 'string';
}
