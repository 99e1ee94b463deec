import { toId18 } from '../salesforce/record-id.js';
import { instantOf } from '../salesforce/datetime.js';
import type { Field } from '../mapping/index.js';
import { ERRORS, type RecordError } from './record-error.js';

/*
 * One value against one field's describe, with the same rules as the local org
 * (src/salesforce-emulator/data/coerce.ts), so a dry run and a real load agree.
 * Phone and url are free text in Salesforce (only their length is checked); so are they here.
 */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
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

function checkNumber(f: Field, raw: unknown): RecordError | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n)) return ERRORS.wrongType(f.label, String(raw), f.name);
  if (f.type === 'int' || f.type === 'long') {
    if (!Number.isInteger(n)) return ERRORS.wrongType(f.label, String(raw), f.name);
    const digits = f.digits || (f.type === 'long' ? 18 : 9);
    return Math.abs(n) >= 10 ** digits ? ERRORS.outOfRange(f.label, String(raw), f.name) : null;
  }
  // Extra decimals are rounded to the scale (as Salesforce does); too many integer digits are refused.
  const rounded = Math.round(n * 10 ** f.scale) / 10 ** f.scale;
  return Math.abs(rounded) >= 10 ** ((f.precision || 18) - f.scale) ? ERRORS.outOfRange(f.label, String(raw), f.name) : null;
}

function checkText(f: Field, raw: unknown): RecordError | null {
  if (typeof raw === 'object') return ERRORS.wrongType(f.label, JSON.stringify(raw), f.name);
  const text = String(raw);
  if (f.length > 0 && text.length > f.length) return ERRORS.tooLong(f.label, text, f.length, f.name);
  if (f.type === 'email' && text !== '' && !EMAIL.test(text)) return ERRORS.email(f.label, text, f.name);
  if ((f.type === 'picklist' || f.type === 'multipicklist') && f.restrictedPicklist) {
    for (const v of f.type === 'multipicklist' ? text.split(';') : [text]) {
      if (!f.picklistValues.some((p) => p.active && p.value === v)) return ERRORS.picklist(f.label, v, f.name);
    }
  }
  return null;
}

/** The error for `raw` (never null or empty: the caller handles those) in field `f`, or null. */
export function checkFieldValue(f: Field, raw: unknown): RecordError | null {
  switch (f.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return null;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : raw === 1 || raw === 0 ? String(raw) : '';
      return ['true', '1', 'yes', 'false', '0', 'no'].includes(t) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    }
    case 'int': case 'long': case 'double': case 'currency': case 'percent':
      return checkNumber(f, raw);
    case 'date': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const day = t.length > 10 && DATETIME.test(t) ? t.slice(0, 10) : t;
      return validDate(day) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    }
    case 'datetime': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const ms = DATETIME.test(t) && validDate(t.slice(0, 10)) ? instantOf(t) : NaN;
      return Number.isFinite(ms) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    }
    case 'time': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      return TIME.test(t) ? null : ERRORS.wrongType(f.label, String(raw), f.name);
    }
    case 'id': case 'reference':
      return typeof raw === 'string' && toId18(raw.trim()) ? null : ERRORS.malformedId(f.label, String(raw), f.name);
    default:
      return checkText(f, raw);
  }
}
