import type { WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';

/** How a target tells records apart: the fields that identify one, and how long a key written is remembered. */
export interface RecordKeys { fields: string[]; windowMs: number }

/** A record's key: its key fields' values as JSON text; undefined when none of them has a value. */
export function recordKey(record: TransferRecord, fields: string[]): string | undefined {
  const values = fields.map((field) => record[field]);
  if (values.every((value) => value === null || value === undefined)) return undefined;
  return JSON.stringify(values);
}

/** The answer for a record without a key: a dead letter, as nothing tells it apart from another. */
export const keyMissing = (fields: string[]): WriteOutcome => ({
  ok: false, code: 'KEY_MISSING', reason: `The record has no value in ${fields.join(', ')}.`,
});
