import type { FieldDescribe } from '../describe/field.js';
import type { ObjectSchema } from '../describe/schema.js';
import { HashIndex, hashKey } from './hash-index.js';
import type { Row, Value } from './table.js';

export function indexKey(field: FieldDescribe, value: Value): string | null {
  if (value === null || value === '') return null;
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}

/** What the indexes need from their table: values of a row, a row by number, and every live row (to build one). */
export interface IndexedRows {
  schema: ObjectSchema;
  get(row: Row, fieldIndex: number): Value;
  rowAt(r: number): Row;
  eachLive(visit: (r: number, row: Row) => void): void;
}

/**
 * The field indexes of one table, by row number: unique and external-id fields from the start, other lookup
 * fields (Email, Name, a parent lookup) from their first use, then maintained. A candidate is confirmed by reading
 * its row, since keys are kept only as hashes.
 */
export class FieldIndexes {
  private readonly indexes = new Map<number, HashIndex>();

  constructor(private readonly rows: IndexedRows) {
    for (const fi of rows.schema.uniqueFields) this.indexes.set(fi, new HashIndex());
  }

  /** Visits the live rows whose `fieldIndex` has `value`'s key (newest first) until `visit` returns true. */
  match(fieldIndex: number, value: Value, visit: (r: number, row: Row) => boolean | void): void {
    const field = this.rows.schema.fields[fieldIndex];
    const key = indexKey(field, value);
    if (key === null) return;
    this.index(fieldIndex).candidates(hashKey(key), (r) => {
      const row = this.rows.rowAt(r);
      return indexKey(field, this.rows.get(row, fieldIndex)) === key ? visit(r, row) : false;
    });
  }

  /** Re-indexes row `r` from its current values, or drops it from every index (`row` null: not live). */
  update(r: number, row: Row | null): void {
    for (const [fi, index] of this.indexes) {
      if (row) this.indexValue(index, fi, r, row);
      else index.remove(r);
    }
  }

  clear(): void {
    for (const index of this.indexes.values()) index.clear();
  }

  private index(fieldIndex: number): HashIndex {
    let index = this.indexes.get(fieldIndex);
    if (!index) {
      const built = new HashIndex();
      this.rows.eachLive((r, row) => this.indexValue(built, fieldIndex, r, row));
      this.indexes.set(fieldIndex, built);
      index = built;
    }
    return index;
  }

  private indexValue(index: HashIndex, fieldIndex: number, r: number, row: Row): void {
    const key = indexKey(this.rows.schema.fields[fieldIndex], this.rows.get(row, fieldIndex));
    if (key === null) index.remove(r);
    else index.add(r, hashKey(key));
  }
}
