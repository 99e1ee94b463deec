import type { Value } from '../frame.js';
import { formatDate, parseWallTime, type WallTime } from '../dates.js';
import { rowMessage, type RowMessage, type Said } from '../../row-messages/index.js';

/** A bad value met while evaluating one row: the result becomes null and the row gets an issue (`i18n`: by key). */
export class RowEvalError extends Error {
  readonly i18n: RowMessage;

  constructor({ message, i18n }: Said) {
    super(message);
    this.i18n = i18n;
  }
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Numbers, and strings that read as numbers (CSV cells are text), are numbers; null stays null. */
export function asNumber(value: Value, what = 'value'): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    if (NUMERIC.test(text)) return Number(text);
  }
  const text = asText(value);
  throw new RowEvalError(what === 'value'
    ? rowMessage('row.expr.valueNotANumber', { value: text })
    : rowMessage('row.expr.argNotANumber', { what, value: text }));
}

export function asText(value: Value): string {
  if (value === null) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

/** true, non-zero numbers and non-empty strings are true; null, false, 0 and '' are false. */
export function truthy(value: Value): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value !== '';
  return true;
}

export interface CalendarDate { year: number; month: number; day: number }

/** A calendar date from 'YYYY-MM-DD', an ISO date-time (the date as written), or a Date (UTC). */
export function asDate(value: Value): CalendarDate | null {
  if (value === null || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RowEvalError(rowMessage('row.expr.invalidDate'));
    return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
  }
  const wall: WallTime | null = typeof value === 'string' ? parseWallTime(value, {}) : null;
  if (!wall) throw new RowEvalError(rowMessage('row.expr.notADate', { value: asText(value) }));
  return { year: wall.year, month: wall.month, day: wall.day };
}

export function dateText(date: CalendarDate): string {
  return formatDate(date.year, date.month, date.day);
}

export function dayNumber(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
}

/** Equality across types the way a person reads a table: 1 = '1', 'a' = 'a', null = null. */
export function equals(left: Value, right: Value): boolean {
  if (left === null || right === null) return left === right;
  const order = compare(left, right);
  return order === 0;
}

/** Numeric when both sides read as numbers, else text order (ISO dates sort correctly as text). */
export function compare(left: Value, right: Value): number {
  const a = numericOrNull(left);
  const b = numericOrNull(right);
  if (a !== null && b !== null) return a < b ? -1 : a > b ? 1 : 0;
  const x = asText(left);
  const y = asText(right);
  return x < y ? -1 : x > y ? 1 : 0;
}

function numericOrNull(value: Value): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return null;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value);
  return null;
}
