import type { Value } from '../frame.js';
import { daysInMonth, todayIn } from '../dates.js';
import { rowMessage } from '../../row-messages/index.js';
import {
  RowEvalError, asDate, asNumber, asText, dateText, dayNumber, truthy, type CalendarDate,
} from './values.js';

export interface EvalEnv { now: Date; timeZone: string }

/** A function of the language: arity bounds and an implementation over already evaluated arguments. */
interface FunctionDef { min: number; max: number; fn: (args: Value[], env: EvalEnv) => Value }

const text1 = (fn: (s: string) => Value): FunctionDef => ({
  min: 1, max: 1, fn: ([v]) => (v === null ? null : fn(asText(v))),
});
const num1 = (fn: (n: number) => number): FunctionDef => ({
  min: 1, max: 1, fn: ([v]) => { const n = asNumber(v); return n === null ? null : fn(n); },
});
const date1 = (fn: (d: CalendarDate) => Value): FunctionDef => ({
  min: 1, max: 1, fn: ([v]) => { const d = asDate(v); return d === null ? null : fn(d); },
});
const count = (v: Value, what: string): number => {
  const n = asNumber(v, what);
  if (n === null || !Number.isInteger(n) || n < 0) throw new RowEvalError(rowMessage('row.expr.notACount', { what }));
  return n;
};
const textPair = (fn: (s: string, t: string) => Value): FunctionDef => ({
  min: 2, max: 2, fn: ([s, t]) => (s === null || t === null ? null : fn(asText(s), asText(t))),
});
const blank = (v: Value): boolean => v === null || (typeof v === 'string' && v.trim() === '');

function addToDate(date: CalendarDate, amount: number, unit: string): CalendarDate {
  if (unit === 'day') {
    const d = new Date(Date.UTC(date.year, date.month - 1, date.day + amount));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  const months = unit === 'year' ? amount * 12 : amount;
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

function unitOf(v: Value | undefined): 'day' | 'month' | 'year' {
  const unit = v === undefined ? 'day' : asText(v).toLowerCase().replace(/s$/, '');
  if (unit === 'day' || unit === 'month' || unit === 'year') return unit;
  throw new RowEvalError(rowMessage('row.expr.badUnit', { value: asText(v ?? null) }));
}

/** Whole months/years between two dates, counting only completed ones (like an age). */
function completedMonths(from: CalendarDate, to: CalendarDate): number {
  let months = (to.year - from.year) * 12 + (to.month - from.month);
  if (months > 0 && to.day < from.day) months--;
  if (months < 0 && to.day > from.day) months++;
  return months;
}

const chars = (s: string): string[] => Array.from(s);

export const FUNCTIONS: Record<string, FunctionDef> = {
  upper: text1((s) => s.toUpperCase()),
  lower: text1((s) => s.toLowerCase()),
  trim: text1((s) => s.trim()),
  len: text1((s) => chars(s).length),
  left: { min: 2, max: 2, fn: ([s, n]) => (s === null ? null : chars(asText(s)).slice(0, count(n, 'left() length')).join('')) },
  right: {
    min: 2, max: 2,
    fn: ([s, n]) => {
      if (s === null) return null;
      const k = count(n, 'right() length');
      return k === 0 ? '' : chars(asText(s)).slice(-k).join('');
    },
  },
  substr: {
    min: 2, max: 3,
    fn: ([s, start, length]) => {
      if (s === null) return null;
      const from = Math.max(count(start, 'substr() start') - 1, 0);
      const all = chars(asText(s));
      const end = length === undefined ? all.length : from + count(length, 'substr() length');
      return all.slice(from, end).join('');
    },
  },
  concat: { min: 1, max: 50, fn: (args) => args.map(asText).join('') },
  contains: textPair((s, t) => s.includes(t)),
  startswith: textPair((s, t) => s.startsWith(t)),
  endswith: textPair((s, t) => s.endsWith(t)),
  replace: {
    min: 3, max: 3,
    fn: ([s, find, by]) => (s === null ? null : asText(s).split(asText(find)).join(asText(by))),
  },
  isnull: { min: 1, max: 1, fn: ([v]) => blank(v) },
  coalesce: { min: 1, max: 50, fn: (args) => args.find((v) => !blank(v)) ?? null },
  if: { min: 2, max: 3, fn: ([c, a, b]) => (truthy(c) ? a : b ?? null) },
  number: { min: 1, max: 1, fn: ([v]) => asNumber(v) },
  text: { min: 1, max: 1, fn: ([v]) => (v === null ? null : asText(v)) },
  abs: num1(Math.abs),
  floor: num1(Math.floor),
  ceil: num1(Math.ceil),
  round: {
    min: 1, max: 2,
    fn: ([v, digits]) => {
      const n = asNumber(v);
      if (n === null) return null;
      const factor = 10 ** (digits === undefined ? 0 : count(digits, 'round() digits'));
      return Math.sign(n) * Math.round(Math.abs(n) * factor) / factor;
    },
  },
  today: { min: 0, max: 0, fn: (_args, env) => todayIn(env.now, env.timeZone) },
  now: { min: 0, max: 0, fn: (_args, env) => env.now.toISOString() },
  year: date1((d) => d.year),
  month: date1((d) => d.month),
  day: date1((d) => d.day),
  date_add: {
    min: 2, max: 3,
    fn: ([v, amount, unit]) => {
      const d = asDate(v);
      const n = asNumber(amount, 'date_add() amount');
      if (d === null || n === null) return null;
      if (!Number.isInteger(n)) throw new RowEvalError(rowMessage('row.expr.dateAddNotWhole'));
      return dateText(addToDate(d, n, unitOf(unit)));
    },
  },
  date_diff: {
    min: 2, max: 3,
    fn: ([start, end, unit]) => {
      const a = asDate(start);
      const b = asDate(end);
      if (a === null || b === null) return null;
      const u = unitOf(unit);
      if (u === 'day') return dayNumber(b) - dayNumber(a);
      const months = completedMonths(a, b);
      return u === 'month' ? months : Math.trunc(months / 12);
    },
  },
};
