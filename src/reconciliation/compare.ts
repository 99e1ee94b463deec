import { instantOf, toId18 } from '../salesforce/index.js';

/**
 * How a stored value relates to the value DMS sent. `normalised` names the Salesforce normalisation that explains
 * a different text for the same value (counted as matching); `differs`/`emptied` are real differences.
 */
export type FieldVerdict =
  | { verdict: 'equal' }
  | { verdict: 'normalised'; kind: NormalisationKind }
  | { verdict: 'differs' | 'emptied' };

export type NormalisationKind =
  | 'checkbox-text' | 'number-scale' | 'number-rounded' | 'date-form' | 'time-zone' | 'picklist-case' | 'picklist-order'
  | 'phone-format' | 'trimmed' | 'id-length';

/** What the comparison needs to know of a field: its describe type and, for numbers, its scale. */
export interface FieldShape { type: string; scale: number }

type Sent = string | number | boolean | null;
type Compare = (sent: string, stored: string, field: FieldShape) => FieldVerdict;

const EQUAL: FieldVerdict = { verdict: 'equal' };
const DIFFERS: FieldVerdict = { verdict: 'differs' };
const normalised = (kind: NormalisationKind): FieldVerdict => ({ verdict: 'normalised', kind });

const TRUE_TEXT = new Set(['true', '1', 'yes']);
const FALSE_TEXT = new Set(['false', '0', 'no']);

function checkboxOf(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return undefined;
}

const checkbox: Compare = (sent, stored) => {
  const value = checkboxOf(sent);
  if (value === undefined || value !== checkboxOf(stored)) return DIFFERS;
  return sent === stored ? EQUAL : normalised('checkbox-text');
};

/** 1.50 and 1.5 are one number; 1.234 sent to a field of scale 2 is stored 1.23. */
const number: Compare = (sent, stored, field) => {
  const a = Number(sent.trim());
  const b = Number(stored);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return DIFFERS;
  if (a === b) return normalised('number-scale');
  const factor = 10 ** field.scale;
  return Math.round(a * factor) / factor === b ? normalised('number-rounded') : DIFFERS;
};

/** A date sent as a datetime keeps its day. */
const date: Compare = (sent, stored) => (sent.trim().slice(0, 10) === stored ? normalised('date-form') : DIFFERS);

/** A datetime sent with an offset is stored in UTC. */
const datetime: Compare = (sent, stored) => {
  const a = instantOf(sent);
  return Number.isFinite(a) && a === instantOf(stored) ? normalised('time-zone') : DIFFERS;
};

const picklist: Compare = (sent, stored) => (sent.trim().toLowerCase() === stored.toLowerCase() ? normalised('picklist-case') : DIFFERS);

const multipicklist: Compare = (sent, stored) => {
  const values = (text: string) => text.split(';').map((v) => v.trim().toLowerCase()).filter(Boolean).sort().join(';');
  return values(sent) === values(stored) ? normalised('picklist-order') : DIFFERS;
};

/** Salesforce trims leading and trailing white space of text; line breaks may come back as LF. */
const text: Compare = (sent, stored) => {
  const trim = (t: string) => t.replace(/\r\n/g, '\n').trim();
  return trim(sent) === trim(stored) ? normalised('trimmed') : DIFFERS;
};

/** Salesforce keeps a phone as sent; a tool or a trigger may format it: the same digits are the same number. */
const phone: Compare = (sent, stored) => {
  const digits = (text: string) => text.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  const a = digits(sent);
  return a !== '' && a === digits(stored) ? normalised('phone-format') : text(sent, stored, { type: 'string', scale: 0 });
};

const reference: Compare = (sent, stored) => ((toId18(sent.trim()) ?? sent) === (toId18(stored) ?? stored) ? normalised('id-length') : DIFFERS);

const BY_TYPE: Record<string, Compare> = {
  boolean: checkbox,
  int: number, double: number, currency: number, percent: number, long: number,
  date, datetime,
  picklist, multipicklist,
  phone,
  id: reference, reference,
};

/**
 * Compares one field: `sent` as DMS sent it (the prepared record's value), `stored` as a Bulk query returns it
 * (CSV text, empty for null). Identical text is equal whatever the type.
 */
export function compareValue(field: FieldShape, sent: Sent, stored: string): FieldVerdict {
  const sentText = sent === null ? '' : String(sent);
  if (sentText === stored) return EQUAL;
  // A checkbox is never null in Salesforce: `false` is what an unset one holds.
  if (stored === '' && field.type !== 'boolean') return sentText.trim() === '' ? normalised('trimmed') : { verdict: 'emptied' };
  return (BY_TYPE[field.type] ?? text)(sentText, stored, field);
}
