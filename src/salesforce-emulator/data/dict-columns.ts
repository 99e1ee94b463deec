import { PagedInts } from './paged-ints.js';
import type { Row, Value } from './table.js';

/** At most this many distinct values (null aside) per column: a code is one byte. */
const MAX_VALUES = 255;

/** One field's values as one-byte codes into a small dictionary (code 0 is null). */
class DictColumn {
  readonly codes = new PagedInts(Uint8Array);
  readonly values: Value[] = [null];
  private readonly codeOf = new Map<Value, number>([[null, 0]]);

  /** The code of `value`, or -1 when the dictionary is full. */
  code(value: Value): number {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      if (this.values.length > MAX_VALUES) return -1;
      code = this.values.length;
      this.values.push(value);
      this.codeOf.set(value, code);
    }
    return code;
  }
}

/**
 * In-memory columns, by row slot, of the fields with few distinct values (picklists, booleans, owners, cities):
 * one byte a record each, so a WHERE over such fields is answered without reading the record file. A field that
 * outgrows the dictionary loses its column for good (until the table is cleared) and is read from the file.
 */
export class DictColumns {
  /** By row slot: the column, null once dropped, undefined before the field's first value. */
  private columns: (DictColumn | null | undefined)[] = [];

  /** Records the values of row `r` (slots beyond the row are null). */
  write(r: number, row: Row, slotCount: number): void {
    for (let s = 0; s < slotCount; s++) {
      let column = this.columns[s];
      if (column === null) continue;
      const value = row[s] ?? null;
      if (column === undefined) {
        column = new DictColumn();
        this.columns[s] = column;
      }
      const code = column.code(value);
      if (code < 0) this.columns[s] = null;
      else column.codes.set(r, code);
    }
  }

  /** Whether every slot in `slots` has a column (a slot that never held a value counts: it is null everywhere). */
  covers(slots: number[]): boolean {
    return slots.every((s) => this.columns[s] !== null);
  }

  /** Fills `probe` with row `r`'s values in `slots`, as the record would hold them. */
  fill(r: number, probe: Row, slots: number[]): void {
    for (const s of slots) {
      const column = this.columns[s];
      probe[s] = column ? column.values[column.codes.get(r)] : null;
    }
  }

  clear(): void {
    this.columns = [];
  }
}
