import type { SeenKeys, Value } from '../frame/index.js';
import type { Field } from '../mapping/index.js';
import { ERRORS, type RecordError } from './record-error.js';

/**
 * Values repeated within the file in a field that must be unique. Keys go through a SeenKeys set
 * (Redis in a job, so it holds across chunks and workers; memory in a preview). The first row with
 * a value is fine; every later row with the same value gets what the org answers: DUPLICATE_VALUE
 * for a unique field (the second insert/update is refused), DUPLICATE_EXTERNAL_ID for the upsert
 * key. Case-insensitive unless the field is caseSensitive, as Salesforce compares them.
 */
export class DuplicateTracker {
  constructor(private readonly field: Field, private readonly seen: SeenKeys) {}

  /** The record key whose values are tracked. */
  get fieldName(): string {
    return this.field.name;
  }

  /**
   * One verdict per value, in order; null and empty values are never duplicates (pass null for a row
   * the org would refuse earlier: it stores nothing). `rows` makes retries idempotent and lets the
   * message name the first row when it is in the same call. `upsertKey`: the field is the upsert key.
   */
  async check(values: Value[], rows?: number[], upsertKey = false): Promise<(RecordError | null)[]> {
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
    const firstRows = new Map<string, number | undefined>();
    keyed.forEach((i, k) => {
      if (first[k]) {
        if (!firstRows.has(keys[k])) firstRows.set(keys[k], rows?.[i]);
        return;
      }
      verdicts[i] = upsertKey
        ? ERRORS.duplicateExternalId(String(values[i]), this.field.name)
        : ERRORS.duplicateValue(this.field.name, firstRows.get(keys[k]));
    });
    return verdicts;
  }
}
