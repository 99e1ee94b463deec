export const COLUMN_TYPES = ['empty', 'integer', 'number', 'boolean', 'date', 'datetime', 'string'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The narrowest type a piece of text reads as (ISO dates only: other layouts stay strings). */
export function inferTextType(text: string): ColumnType {
  const value = text.trim();
  if (value === '') return 'empty';
  // Fast path: only digits, signs, a dot or t/f can start anything but a string.
  if (!/^[\d+\-.tfTF]/.test(value)) return 'string';
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
