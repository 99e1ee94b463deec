import type { CellValue, RowBatch, RowIssue } from './types.js';

/**
 * Cells per batch at most: a wide file gets batches of fewer rows (5 rows for 100,000 columns), so that its batches
 * reach readDataset's limits, and leave memory, after a few rows rather than after `size` rows.
 */
const CELLS_PER_BATCH = 500_000;

/** Collects rows into batches of a fixed size; the column list is fixed by the caller once known. */
export class Batcher {
  /** Set by the CSV reader: rows then come with their own text and line (see RowBatch.raw). */
  rawDelimiter?: string;
  private rows: CellValue[][] = [];
  private lines: string[] = [];
  private lineNumbers: number[] = [];
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

  push(row: CellValue[], raw?: string, line?: number): void {
    this.rows.push(row);
    if (this.rawDelimiter !== undefined) {
      this.lines.push(raw ?? '');
      this.lineNumbers.push(line ?? 0);
    }
    this.count += 1;
  }

  issue(issue: Omit<RowIssue, 'row'> & { row?: number }): void {
    this.issues.push({ ...issue, row: issue.row ?? this.count });
  }

  /** Rows per batch: `size`, fewer for a file wider than CELLS_PER_BATCH / size columns. */
  private get batchRows(): number {
    return Math.max(1, Math.min(this.size, Math.floor(CELLS_PER_BATCH / Math.max(1, this.columns.length))));
  }

  get full(): boolean {
    return this.rows.length >= this.batchRows;
  }

  /** Takes out every complete batch (all rows when `all` is set, for the end of the file). */
  *drain(all = false): Generator<RowBatch> {
    const size = this.batchRows;
    while (this.rows.length >= size || (all && this.rows.length > 0)) {
      const rows = this.rows.length > size ? this.rows.splice(0, size) : this.rows;
      if (rows === this.rows) this.rows = [];
      const lines = this.lines.length > rows.length ? this.lines.splice(0, rows.length) : this.lines;
      if (lines === this.lines) this.lines = [];
      const lineNumbers =
        this.lineNumbers.length > rows.length ? this.lineNumbers.splice(0, rows.length) : this.lineNumbers;
      if (lineNumbers === this.lineNumbers) this.lineNumbers = [];
      const last = this.firstRow + rows.length - 1;
      const issues = this.issues.filter((issue) => issue.row <= last);
      this.issues = this.issues.filter((issue) => issue.row > last);
      const raw = this.rawDelimiter === undefined ? undefined : { delimiter: this.rawDelimiter, lines, lineNumbers };
      yield { columns: this.columns, rows, issues, firstRowNumber: this.firstRow, ...(raw ? { raw } : {}) };
      this.firstRow = last + 1;
    }
  }
}
