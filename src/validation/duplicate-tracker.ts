import type { SeenKeys, Value } from '../frame/index.js';
import type { Field } from '../mapping/index.js';
import { ERRORS, type RecordError } from './record-error.js';

/**
 * Duplicate external ids within the file. Keys go through a SeenKeys set (Redis in a job, so it
 * holds across chunks and workers; memory in a preview). The first row with a value is fine, every
 * later row with the same value gets DUPLICATE_EXTERNAL_ID. Case-insensitive unless the field is
 * caseSensitive, as Salesforce matches external ids.
 */
export class DuplicateTracker {
  constructor(private readonly field: Field, private readonly seen: SeenKeys) {}

  /** The record key whose values are tracked. */
  get fieldName(): string {
    return this.field.name;
  }

  /** One verdict per value, in order; empty values are never duplicates. `rows` makes retries idempotent. */
  async check(values: Value[], rows?: number[]): Promise<(RecordError | null)[]> {
    const keyed: number[] = [];
    const keys: string[] = [];
    values.forEach((value, i) => {
      if (value === null || value === '' || value === '#N/A') return;
      const text = (value instanceof Date ? value.toISOString() : String(value)).trim();
      keys.push(this.field.caseSensitive ? text : text.toLowerCase());
      keyed.push(i);
    });
    const verdicts: (RecordError | null)[] = values.map(() => null);
    if (keys.length === 0) return verdicts;
    const first = await this.seen.addMany(keys, rows && keyed.map((i) => rows[i]));
    keyed.forEach((i, k) => {
      if (!first[k]) verdicts[i] = ERRORS.duplicateExternalId(String(values[i]), this.field.name);
    });
    return verdicts;
  }
}
