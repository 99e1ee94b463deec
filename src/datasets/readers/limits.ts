import { readerError } from './reader-error.js';
import type { ReaderOptions, RowBatch } from './types.js';

type Limits = ReaderOptions['limits'];

const count = (n: number): string => n.toLocaleString('en-US');
/** A column name as an error quotes it: at most 60 characters. */
const quoted = (name: string): string => `"${name.length > 60 ? `${name.slice(0, 60)}…` : name}"`;

/** Refuses a header that the dataset's one stored document, or a transform step, could not hold. */
function checkHeader(columns: string[], limits: Limits): void {
  if (columns.length > limits.maxColumns) {
    const first = limits.maxColumns + 1;
    throw readerError(
      'TOO_MANY_COLUMNS',
      `The file has ${count(columns.length)} columns; DMS reads at most ${count(limits.maxColumns)} ` +
        `(a Salesforce object has at most 800 fields). Column ${count(first)} (${quoted(columns[first - 1])}) ` +
        'is the first one too many: remove the columns you do not migrate, or split the file.',
      { columns: columns.length, column: first, maxColumns: limits.maxColumns },
    );
  }
  let bytes = 0;
  for (let index = 0; index < columns.length; index++) {
    const name = columns[index];
    if (name.length > limits.maxHeaderChars) {
      throw readerError(
        'HEADER_TOO_LONG',
        `Column ${count(index + 1)}'s name (${quoted(name)}) is ${count(name.length)} characters long; ` +
          `a column name may have at most ${count(limits.maxHeaderChars)}. Shorten it in the header row.`,
        { column: index + 1, length: name.length, maxHeaderChars: limits.maxHeaderChars },
      );
    }
    bytes += Buffer.byteLength(name);
  }
  if (bytes > limits.maxHeaderBytes) {
    throw readerError(
      'HEADER_TOO_LARGE',
      `The ${count(columns.length)} column names take ${count(bytes)} bytes together; ` +
        `at most ${count(limits.maxHeaderBytes)} fit in the dataset's record. ` +
        'Shorten the longest names, or remove the columns you do not migrate.',
      { columns: columns.length, bytes, maxHeaderBytes: limits.maxHeaderBytes },
    );
  }
}

function cellTooLarge(batch: RowBatch, index: number, column: number, chars: number, max: number): Error {
  const row = batch.firstRowNumber + index;
  const line = batch.raw?.lineNumbers[index];
  const name = quoted(batch.columns[column] ?? '');
  const where = `Row ${count(row)}${line ? ` (line ${count(line)})` : ''}, column ${count(column + 1)} (${name})`;
  return readerError(
    'CELL_TOO_LARGE',
    `${where}: the cell holds ${count(chars)} characters; a cell may hold at most ${count(max)} ` +
      '(the most a Salesforce field holds, a long text area). Shorten the value, or leave the column out of the file.',
    { row, ...(line ? { line } : {}), column: column + 1, columnName: batch.columns[column], chars, maxCellChars: max },
  );
}

/** Refuses a cell longer than the limit. A CSV row's own text bounds its cells: most rows need no cell checked. */
function checkCells(batch: RowBatch, max: number): void {
  const lines = batch.raw?.lines;
  for (let index = 0; index < batch.rows.length; index++) {
    if (lines && lines[index].length <= max) continue;
    const row = batch.rows[index];
    for (let column = 0; column < row.length; column++) {
      const cell = row[column];
      if (typeof cell === 'string' && cell.length > max) throw cellTooLarge(batch, index, column, cell.length, max);
    }
  }
}

/**
 * Every format's batches pass here: a header with too many columns, a column name too long, or names too long
 * together, and a cell over `maxCellChars`, are refused (422) with where they are, before anything is stored.
 */
export async function* withinLimits(batches: AsyncGenerator<RowBatch>, limits: Limits): AsyncGenerator<RowBatch> {
  let checked: string[] | undefined;
  for await (const batch of batches) {
    if (batch.columns !== checked) {
      checkHeader(batch.columns, limits);
      checked = batch.columns;
    }
    checkCells(batch, limits.maxCellChars);
    yield batch;
  }
}
