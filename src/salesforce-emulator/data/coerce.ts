import { toId18 } from '../../salesforce/record-id.js';
import type { FieldDescribe } from '../describe/field.js';
import { ERR, SfError } from './sf-error.js';
import type { Value } from './table.js';

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$/;

const wrongType = (f: FieldDescribe, raw: unknown) =>
  new SfError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${String(raw)}`, [f.name]);

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Salesforce's datetime form: 2024-03-20T21:42:13.000+0000. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function toNumber(f: FieldDescribe, raw: unknown): number | SfError {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return wrongType(f, raw);
  if (f.type === 'int') {
    if (!Number.isInteger(n)) return wrongType(f, raw);
    if (Math.abs(n) >= 10 ** (f.digits || 9)) return outOfRange(f, raw);
    return n;
  }
  const scale = f.scale;
  const intDigits = (f.precision || 18) - scale;
  const rounded = Number.isInteger(n) ? n : Math.round(n * 10 ** scale) / 10 ** scale;
  if (Math.abs(rounded) >= 10 ** intDigits) return outOfRange(f, raw);
  return rounded;
}

const outOfRange = (f: FieldDescribe, raw: unknown) =>
  new SfError('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${String(raw)}`, [f.name]);

function toText(f: FieldDescribe, raw: unknown): string | SfError {
  if (typeof raw === 'object') return wrongType(f, JSON.stringify(raw));
  const text = String(raw);
  if (f.length > 0 && text.length > f.length) {
    return new SfError('STRING_TOO_LONG', `${f.label}: data value too large: ${text} (max length=${f.length})`, [f.name]);
  }
  if (f.type === 'email' && text !== '' && !EMAIL.test(text)) {
    return new SfError('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`, [f.name]);
  }
  if ((f.type === 'picklist' || f.type === 'multipicklist') && f.restrictedPicklist) {
    const values = f.type === 'multipicklist' ? text.split(';') : [text];
    const allowed = f.picklistValues;
    for (const v of values) {
      if (!allowed.some((p) => p.active && p.value === v)) {
        return new SfError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${f.label}: bad value for restricted picklist field: ${v}`, [f.name]);
      }
    }
  }
  return text;
}

/**
 * Converts one incoming value (a JSON value, or a CSV string) to the stored form of `f`, or an
 * SfError. Null handling (#N/A, empty strings) happens before this is called.
 */
export function coerce(f: FieldDescribe, raw: unknown): Value | SfError {
  switch (f.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : raw === 1 || raw === 0 ? String(raw) : '';
      if (t === 'true' || t === '1' || t === 'yes') return true;
      if (t === 'false' || t === '0' || t === 'no') return false;
      return wrongType(f, raw);
    }
    case 'int': case 'double': case 'currency': case 'percent':
      return toNumber(f, raw);
    case 'date': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const day = t.length > 10 && DATETIME.test(t) ? t.slice(0, 10) : t;
      return validDate(day) ? day : wrongType(f, raw);
    }
    case 'datetime': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      const ms = DATETIME.test(t) && validDate(t.slice(0, 10)) ? Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
      return Number.isFinite(ms) ? formatDateTime(ms) : wrongType(f, raw);
    }
    case 'time': {
      const t = typeof raw === 'string' ? raw.trim() : '';
      return TIME.test(t) ? t : wrongType(f, raw);
    }
    case 'id': case 'reference': {
      const id = typeof raw === 'string' ? toId18(raw.trim()) : null;
      return id ?? ERR.malformedId(f.label, String(raw), f.name);
    }
    default:
      return toText(f, raw);
  }
}
