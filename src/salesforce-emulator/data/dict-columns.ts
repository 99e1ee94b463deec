import { PagedInts } from './paged-ints.js';
import type { Row, Value } from './table.js';

/** At most this many distinct values (null aside) per column: a code is one byte. */
const MAX_VALUES = 255;

/**
 * One field's values as one-byte codes into a small dictionary (code 0 is null). While every record written since
 * the column began holds the same code (an owner, a default), it keeps that one code and no per-record bytes.
 */
class DictColumn {
  private codes: PagedInts | null = null;
  private uniform = -1;
  readonly values: Value[] = [null];
  private readonly codeOf = new Map<Value, number>([[null, 0]]);

  /** `since`: the first row written through this column (older rows are null until written again). */
  constructor(private readonly since: number) {}

  /** Records `value` for row `r` of `rowCount`; false when the dictionary is full (the column is dropped). */
  write(r: number, value: Value, rowCount: number): boolean {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      if (this.values.length > MAX_VALUES) return false;
      code = this.values.length;
      this.values.push(value);
      this.codeOf.set(value, code);
    }
    if (this.codes === null) {
      if (this.uniform < 0) this.uniform = code;
      if (code === this.uniform && (r >= this.since || code === 0)) return true;
      this.codes = new PagedInts(Uint8Array);
      for (let i = this.since; i < rowCount; i++) if (i !== r) this.codes.set(i, this.uniform);
    }
    this.codes.set(r, code);
    return true;
  }

  value(r: number): Value {
    if (this.codes) return this.values[this.codes.get(r)];
    return r >= this.since && this.uniform > 0 ? this.values[this.uniform] : null;
  }
}

/**
 * In-memory columns, by row slot, of the fields with few distinct values (picklists, booleans, owners, cities):
 * one byte a record each at most, so a WHERE over such fields is answered without reading the record file. A field
 * that outgrows the dictionary loses its column for good (until the table is cleared) and is read from the file.
 */
export class DictColumns {
  /** By row slot: the column, null once dropped, undefined before the field's first value. */
  private columns: (DictColumn | null | undefined)[] = [];

  /** Records the values of row `r` (slots beyond the row are null); `rowCount`: rows in the table, `r` included. */
  write(r: number, row: Row, slotCount: number, rowCount: number): void {
    for (let s = 0; s < slotCount; s++) {
      let column = this.columns[s];
      if (column === null) continue;
      if (column === undefined) {
        column = new DictColumn(r);
        this.columns[s] = column;
      }
      if (!column.write(r, row[s] ?? null, rowCount)) this.columns[s] = null;
    }
  }

  /** Whether every slot in `slots` has a column (a slot that never held a value counts: it is null everywhere). */
  covers(slots: number[]): boolean {
    return slots.every((s) => this.columns[s] !== null);
  }

  /** Fills `probe` with row `r`'s values in `slots`, as the record would hold them. */
  fill(r: number, probe: Row, slots: number[]): void {
    for (const s of slots) probe[s] = this.columns[s]?.value(r) ?? null;
  }

  clear(): void {
    this.columns = [];
  }
}
