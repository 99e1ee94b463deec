import type { Row, Table } from '../data/table.js';

/** The rows of a query result, read by position when a page is sent. An array of rows is one. */
export interface ResultRows {
  readonly length: number;
  at(index: number): Row | undefined;
  slice(start?: number, end?: number): ResultRows;
}

/**
 * Result rows kept as the slots of their record versions (Table.selectVersions), 4 bytes a row: a cursor or a
 * Bulk query job over millions of rows does not hold them in the heap; each row is read from the record file
 * when its page is sent.
 */
export class StoredRows implements ResultRows {
  constructor(private readonly table: Table, private readonly versions: Uint32Array) {}

  get length(): number {
    return this.versions.length;
  }

  at(index: number): Row | undefined {
    return index >= 0 && index < this.versions.length ? this.table.readVersion(this.versions[index]) : undefined;
  }

  /** A view of these rows (the versions are never changed, so OFFSET/LIMIT need not copy them). */
  slice(start?: number, end?: number): StoredRows {
    return new StoredRows(this.table, this.versions.subarray(start, end));
  }
}
