import type { CellValue, RowBatch, RowIssue } from './types.js';

/** Collects rows into batches of a fixed size; the column list is fixed by the caller once known. */
export class Batcher {
  private rows: CellValue[][] = [];
  private issues: RowIssue[] = [];
  private firstRow = 1;
  private count = 0;

  constructor(
    private readonly size: number,
    public columns: string[] = [],
  ) {}

  /** Number of rows accepted so far; the next row's 1-based number is rowCount + 1. */
  get rowCount(): number {
    return this.count;
  }

  push(row: CellValue[]): void {
    this.rows.push(row);
    this.count += 1;
  }

  issue(issue: Omit<RowIssue, 'row'> & { row?: number }): void {
    this.issues.push({ ...issue, row: issue.row ?? this.count });
  }

  get full(): boolean {
    return this.rows.length >= this.size;
  }

  /** Takes out every complete batch (all rows when `all` is set, for the end of the file). */
  *drain(all = false): Generator<RowBatch> {
    while (this.rows.length >= this.size || (all && this.rows.length > 0)) {
      const rows = this.rows.length > this.size ? this.rows.splice(0, this.size) : this.rows;
      if (rows === this.rows) this.rows = [];
      const last = this.firstRow + rows.length - 1;
      const issues = this.issues.filter((issue) => issue.row <= last);
      this.issues = this.issues.filter((issue) => issue.row > last);
      yield { columns: this.columns, rows, issues, firstRowNumber: this.firstRow };
      this.firstRow = last + 1;
    }
  }
}
