import { toId18 } from '../salesforce/index.js';
import { soqlString } from '../soql/index.js';

/**
 * A cell's text as a SOQL literal of the field's type, and the key its matches are filed under (Salesforce
 * compares text without regard to case, numbers by value, Ids in their 18-character form). null: the text
 * cannot be a value of this field (e.g. 'abc' for a number), so no record can match and nothing is asked.
 */
export interface LiteralOf { literal: string; key: string }

const TEXT_TYPES = new Set(['string', 'email', 'phone', 'url', 'picklist', 'combobox', 'encryptedstring']);
const NUMBER_TYPES = new Set(['int', 'long', 'double', 'currency', 'percent']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;

/** The field types a lookup can compare with `=`; others (textarea, address, time...) are refused up front. */
export const lookupFieldType = (type: string): boolean =>
  TEXT_TYPES.has(type) || NUMBER_TYPES.has(type) || ['id', 'reference', 'boolean', 'date', 'datetime'].includes(type);

export function soqlLiteral(type: string, text: string): LiteralOf | null {
  if (TEXT_TYPES.has(type)) return { literal: soqlString(text), key: text.toLowerCase() };
  if (type === 'id' || type === 'reference') {
    const id = toId18(text);
    return id ? { literal: soqlString(id), key: id } : null;
  }
  if (NUMBER_TYPES.has(type)) {
    if (!NUMBER.test(text)) return null;
    const value = String(Number(text));
    return { literal: value, key: value };
  }
  if (type === 'boolean') {
    const value = text.toLowerCase();
    return value === 'true' || value === 'false' ? { literal: value, key: value } : null;
  }
  if (type === 'date') return DATE.test(text) ? { literal: text.slice(0, 10), key: text.slice(0, 10) } : null;
  if (type === 'datetime') {
    const at = new Date(text);
    if (!DATE.test(text) || Number.isNaN(at.getTime())) return null;
    const value = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { literal: value, key: value };
  }
  return null;
}

/** The key of a value as the org answers it (a record's field), to meet the keys of the texts asked. */
export function answerKey(type: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return soqlLiteral(type, String(value))?.key ?? null;
}
