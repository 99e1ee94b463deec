import type { CellValue, RowBatch, RowIssue } from './types.js';

/** Collects rows into batches of a fixed size; the column list is fixed by the caller once known. */
export class Batcher {
  /** Set by the CSV reader: rows then come with their own text (see RowBatch.raw). */
  rawDelimiter?: string;
  private rows: CellValue[][] = [];
  private lines: string[] = [];
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

  push(row: CellValue[], raw?: string): void {
    this.rows.push(row);
    if (this.rawDelimiter !== undefined) this.lines.push(raw ?? '');
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
      const lines = this.lines.length > rows.length ? this.lines.splice(0, rows.length) : this.lines;
      if (lines === this.lines) this.lines = [];
      const last = this.firstRow + rows.length - 1;
      const issues = this.issues.filter((issue) => issue.row <= last);
      this.issues = this.issues.filter((issue) => issue.row > last);
      const raw = this.rawDelimiter === undefined ? undefined : { delimiter: this.rawDelimiter, lines };
      yield { columns: this.columns, rows, issues, firstRowNumber: this.firstRow, ...(raw ? { raw } : {}) };
      this.firstRow = last + 1;
    }
  }
}
