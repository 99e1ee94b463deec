import type { RowMessage } from '../row-messages/index.js';

/** A cell value as readers produce it and pipeline steps transform it. */
export type Value = string | number | boolean | Date | null;

/**
 * One chunk of a dataset, column-oriented: `data[c][r]` is the value of column `columns[c]` in row r.
 * `rows[r]` is the row's 1-based position in the whole dataset, kept through filters and dedupes so
 * every issue and every skipped row can be reported against the row the person sees in the file.
 */
export interface Frame {
  columns: string[];
  data: Value[][];
  rows: number[];
}

/**
 * A bad value found by a step: the value became null (or stayed as it was). Whether it fails the row
 * is decided in one place (validation room, `classifyRowIssues`): it does when `column` is mapped,
 * unless the step said `onInvalid: 'null'`, which makes it a `remark`.
 */
export interface RowIssue {
  row: number;
  /** The column as the mapping names it: renames after the step carry over. */
  column: string;
  /** One of ROW_ISSUE_CODES. */
  code: string;
  /** In English; `i18n` is the same sentence by its catalogue key (issues stored before keys have none). */
  message: string;
  i18n?: RowMessage;
  /** The step's onInvalid was 'null': the cell became null and the row goes on. */
  remark?: true;
}

/** A row removed by a step (filter, dedupe), so totals still add up to the dataset's row count. */
export interface SkippedRow {
  row: number;
  reason: string;
  i18n?: RowMessage;
}

export function frameFromRows(columns: string[], rows: Value[][], firstRow = 1): Frame {
  // Plain loops: a run turns every chunk of its dataset into a frame (callbacks cost several times more).
  const data: Value[][] = columns.map(() => []);
  const numbers: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < data.length; c++) data[c].push(row[c] ?? null);
    numbers.push(firstRow + r);
  }
  return { columns: [...columns], data, rows: numbers };
}

export function frameFromRecords(records: Record<string, Value>[], firstRow = 1): Frame {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) if (!seen.has(key)) { seen.add(key); columns.push(key); }
  }
  return frameFromRows(columns, records.map((record) => columns.map((c) => record[c] ?? null)), firstRow);
}

export function frameToRows(frame: Frame): Value[][] {
  return frame.rows.map((_, r) => frame.data.map((column) => column[r]));
}

export function frameToRecords(frame: Frame): Record<string, Value>[] {
  return frame.rows.map((_, r) => {
    const record: Record<string, Value> = {};
    frame.columns.forEach((name, c) => { record[name] = frame.data[c][r]; });
    return record;
  });
}

export function rowCount(frame: Frame): number {
  return frame.rows.length;
}

/** Keeps the rows whose flag is true, in order. */
export function keepRows(frame: Frame, keep: readonly boolean[]): Frame {
  const index: number[] = [];
  keep.forEach((k, r) => { if (k) index.push(r); });
  if (index.length === frame.rows.length) return frame;
  return takeRows(frame, index);
}

/** A new frame with the rows at the given positions, in that order. */
export function takeRows(frame: Frame, index: readonly number[]): Frame {
  return {
    columns: frame.columns,
    data: frame.data.map((column) => index.map((r) => column[r])),
    rows: index.map((r) => frame.rows[r]),
  };
}
