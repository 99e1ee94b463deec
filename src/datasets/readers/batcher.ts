import type { CellValue, RowBatch, RowIssue } from './types.js';

/**
 * Cells per batch at most: a wide file gets batches of fewer rows (5 rows for 100,000 columns), so that its batches
 * reach readDataset's limits, and leave memory, after a few rows rather than after `size` rows.
 */
const CELLS_PER_BATCH = 500_000;
/**
 * Row text per batch at most (UTF-16 units: a CSV row's own line, else its text cells): rows of 60 KB make batches
 * of ~30 rows rather than 500 (30 MB, held as cells and lines while the batch is profiled and stored). Rows of ~100
 * characters never reach it.
 */
const CHARS_PER_BATCH = 1_000_000;

/** The characters of a row's text cells (plain loop: this runs for every row of a file without its own text). */
function textLength(row: CellValue[]): number {
  let chars = 0;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    if (typeof cell === 'string') chars += cell.length;
  }
  return chars;
}

/**
 * Collects rows into batches of a fixed size (fewer when rows are long); the column list is fixed by the caller once
 * known.
 */
export class Batcher {
  /** Set by the CSV reader: rows then come with their own text and line (see RowBatch.raw). */
  rawDelimiter?: string;
  private rows: CellValue[][] = [];
  private lines: string[] = [];
  private lineNumbers: number[] = [];
  /** Each pending row's characters, and their sum. */
  private sizes: number[] = [];
  private chars = 0;
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
    const chars = raw === undefined ? textLength(row) : raw.length;
    this.sizes.push(chars);
    this.chars += chars;
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
    return this.rows.length >= this.batchRows || this.chars >= CHARS_PER_BATCH;
  }

  /**
   * The next batch's rows: up to batchRows, and up to the row that reaches CHARS_PER_BATCH; a row that reaches it
   * alone is a batch of its own (so that the chunk sink can cut a chunk before it).
   */
  private get nextBatchRows(): number {
    const most = Math.min(this.batchRows, this.rows.length);
    let chars = 0;
    for (let i = 0; i < most; i++) {
      if (i > 0 && this.sizes[i] >= CHARS_PER_BATCH) return i;
      chars += this.sizes[i];
      if (chars >= CHARS_PER_BATCH) return i + 1;
    }
    return most;
  }

  /** Takes out every complete batch (all rows when `all` is set, for the end of the file). */
  *drain(all = false): Generator<RowBatch> {
    while (this.full || (all && this.rows.length > 0)) {
      const size = this.nextBatchRows;
      const rows = this.rows.length > size ? this.rows.splice(0, size) : this.rows;
      if (rows === this.rows) this.rows = [];
      const sizes = this.sizes.length > size ? this.sizes.splice(0, size) : this.sizes;
      if (sizes === this.sizes) this.sizes = [];
      for (let i = 0; i < sizes.length; i++) this.chars -= sizes[i];
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
