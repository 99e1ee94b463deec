import { toId18 } from '../salesforce/record-id.js';
import { instantOf } from '../salesforce/datetime.js';
import type { Field } from '../mapping/index.js';
import { ERRORS, type RecordError } from './record-error.js';

/*
 * One value against one field's describe, with the same rules as the local org
 * (src/salesforce-emulator/data/coerce.ts), so a dry run and a real load agree.
 * Phone and url are free text in Salesforce (only their length is checked); so are they here.
 */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const ZERO = 48;
const NINE = 57;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/** Digits from `at`; returns where they end. */
function skipDigits(t: string, at: number): number {
  while (at < t.length && isDigit(t.charCodeAt(at))) at++;
  return at;
}

/** NUMBER's test as a scan (`[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`): it runs for every numeric cell. */
export function isNumberText(t: string): boolean {
  let at = t.charCodeAt(0) === 43 || t.charCodeAt(0) === 45 ? 1 : 0; // + -
  const intEnd = skipDigits(t, at);
  const hasInt = intEnd > at;
  at = intEnd;
  if (t.charCodeAt(at) === 46) { // .
    const fracEnd = skipDigits(t, at + 1);
    if (!hasInt && fracEnd === at + 1) return false;
    at = fracEnd;
  } else if (!hasInt) return false;
  if (t.charCodeAt(at) === 101 || t.charCodeAt(at) === 69) { // e E
    const sign = t.charCodeAt(at + 1) === 43 || t.charCodeAt(at + 1) === 45 ? 1 : 0;
    const expEnd = skipDigits(t, at + 1 + sign);
    if (expEnd === at + 1 + sign) return false;
    at = expEnd;
  }
  return at === t.length;
}

const numberOf = (raw: unknown): number => {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return NaN;
  const t = raw.trim();
  return isNumberText(t) ? Number(t) : NaN;
};

/** A value's check against one field's describe, compiled once per field (its limits, its picklist) for many values. */
export type FieldChecker = (raw: unknown) => RecordError | null;

function numberChecker(f: Field): FieldChecker {
  const wrongType = (raw: unknown) => ERRORS.wrongType(f.label, String(raw), f.name);
  if (f.type === 'int' || f.type === 'long') {
    const limit = 10 ** (f.digits || (f.type === 'long' ? 18 : 9));
    return (raw) => {
      const n = numberOf(raw);
      if (!Number.isFinite(n) || !Number.isInteger(n)) return wrongType(raw);
      return Math.abs(n) >= limit ? ERRORS.outOfRange(f.label, String(raw), f.name) : null;
    };
  }
  // Extra decimals are rounded to the scale (as Salesforce does); too many integer digits are refused.
  const unit = 10 ** f.scale;
  const limit = 10 ** ((f.precision || 18) - f.scale);
  return (raw) => {
    const n = numberOf(raw);
    if (!Number.isFinite(n)) return wrongType(raw);
    return Math.abs(Math.round(n * unit) / unit) >= limit ? ERRORS.outOfRange(f.label, String(raw), f.name) : null;
  };
}

function textChecker(f: Field): FieldChecker {
  const restricted = (f.type === 'picklist' || f.type === 'multipicklist') && f.restrictedPicklist;
  const allowed = new Set(f.picklistValues.filter((p) => p.active).map((p) => p.value));
  const email = f.type === 'email';
  return (raw) => {
    if (typeof raw === 'object') return ERRORS.wrongType(f.label, JSON.stringify(raw), f.name);
    const text = String(raw);
    if (f.length > 0 && text.length > f.length) return ERRORS.tooLong(f.label, text, f.length, f.name);
    if (email && text !== '' && !EMAIL.test(text)) return ERRORS.email(f.label, text, f.name);
    if (restricted) {
      for (const v of f.type === 'multipicklist' ? text.split(';') : [text]) {
        if (!allowed.has(v)) return ERRORS.picklist(f.label, v, f.name);
      }
    }
    return null;
  };
}

const BOOLEAN_TEXT = ['true', '1', 'yes', 'false', '0', 'no'];

/**
 * The check of a value (never null or empty: the caller handles those) in field `f`: its error, or null. Made once per
 * field for many values, its per-field facts (limits, picklist) worked out once.
 */
export function fieldChecker(f: Field): FieldChecker {
  switch (f.type) {
    case 'boolean': return (raw) => {
      if (typeof raw === 'boolean') return null;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : raw === 1 || raw === 0 ? String(raw) : '';
      return BOOLEAN_TEXT.includes(t) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    };
    case 'int': case 'long': case 'double': case 'currency': case 'percent':
      return numberChecker(f);
    case 'date': return (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const day = t.length > 10 && DATETIME.test(t) ? t.slice(0, 10) : t;
      return validDate(day) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    };
    case 'datetime': return (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const ms = DATETIME.test(t) && validDate(t.slice(0, 10)) ? instantOf(t) : NaN;
      return Number.isFinite(ms) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    };
    case 'time': return (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : '';
      return TIME.test(t) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    };
    case 'id': case 'reference': return (raw) => (typeof raw === 'string' && toId18(raw.trim()) ? null : ERRORS.malformedId(f.label, String(raw), f.name));
    default:
      return textChecker(f);
  }
}
