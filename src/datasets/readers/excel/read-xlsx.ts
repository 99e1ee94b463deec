import type { Stream } from 'node:stream';
import ExcelJS from 'exceljs';
import { inferValueType } from '../../profile/index.js';
import { Batcher } from '../batcher.js';
import { dedupeHeaders } from '../headers.js';
import { readerError } from '../reader-error.js';
import type { ByteSource, CellValue, ReaderOptions, RowBatch } from '../types.js';
import { checkZipBomb } from './zip-guard.js';

interface WorksheetLike extends AsyncIterable<ExcelJS.Row> {
  name: string;
}

const columnLetter = (index: number): string => {
  let name = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

/** A cell's value: formulas give their cached result, rich text and hyperlinks their text, errors null. */
function cellValue(value: unknown, onError: (error: string) => void): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const object = value as Record<string, unknown>;
  if ('richText' in object) return (object.richText as { text: string }[]).map((run) => run.text).join('');
  if ('error' in object) {
    onError(String(object.error));
    return null;
  }
  if ('formula' in object || 'sharedFormula' in object) return cellValue(object.result, onError);
  if ('text' in object) return cellValue(object.text, onError);
  return JSON.stringify(value);
}

/** Excel .xlsx through exceljs's streaming reader, one sheet (by name, default the first). */
export async function* readXlsx(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  await checkZipBomb(source, options.limits);
  const stream = source();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream as unknown as Stream, {
    sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore',
  });
  const batcher = new Batcher(options.batchSize);
  let found = false;
  let sheetNames: string[] = [];
  // exceljs can fail on its own while the iteration is being closed after our refusal: keep ours.
  let refusal: unknown;
  try {
    for await (const sheet of reader as unknown as AsyncIterable<WorksheetLike>) {
      sheetNames = ((reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? []).map((s) => s.name);
      if (sheet.name !== (options.sheet ?? sheetNames[0] ?? sheet.name)) continue;
      found = true;
      let width = 0;
      for await (const row of sheet) {
        // Array.from fills the holes of exceljs's sparse row array, so empty cells keep their place.
        const raw = Array.from(row.values as unknown[]).slice(1);
        const cells = raw.map((value, i) => cellValue(value, (error) => {
          batcher.issue({ row: batcher.rowCount + 1, code: 'EXCEL_ERROR_VALUE', message: `Sheet "${sheet.name}", cell ${columnLetter(i + 1)}${row.number} holds the error ${error}; it is read as empty.` });
        }));
        if (cells.every((cell) => cell === null)) continue;
        if (width === 0) {
          width = cells.length;
          const header = options.hasHeader === 'auto' ? cells.every((cell) => cell === null || inferValueType(cell) === 'string') : options.hasHeader;
          if (header) {
            const { columns, renames } = dedupeHeaders(cells);
            batcher.columns = columns;
            for (const rename of renames) batcher.issue({ row: 0, code: 'HEADER_RENAMED', message: `Sheet "${sheet.name}", cell ${columnLetter(rename.column)}${row.number}: "${rename.from}" is named "${rename.to}".` });
            continue;
          }
          batcher.columns = cells.map((_, i) => `column_${i + 1}`);
        }
        if (cells.length > width) {
          const cell = `${columnLetter(width + 1)}${row.number}`;
          if (options.onRaggedRows === 'error') {
            throw (refusal = readerError('EXCEL_RAGGED_ROW', `Sheet "${sheet.name}", row ${row.number}, cell ${cell}: the row has values beyond the ${width} columns of the first row. Add a header for them, or choose to accept ragged rows.`, { sheet: sheet.name, row: row.number, cell }));
          }
          batcher.issue({ row: batcher.rowCount + 1, code: 'RAGGED_ROW', message: `Sheet "${sheet.name}", row ${row.number}: values from cell ${cell} on are beyond the ${width} columns and are dropped.` });
        }
        batcher.push(Array.from({ length: width }, (_, i) => cells[i] ?? null));
        if (batcher.full) yield* batcher.drain();
      }
      break;
    }
  } catch (error) {
    throw refusal ?? error;
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
  if (!found) {
    throw readerError('EXCEL_SHEET_NOT_FOUND', `The workbook has no sheet named "${options.sheet ?? ''}". Its sheets: ${sheetNames.map((name) => `"${name}"`).join(', ') || 'none'}.`, { sheets: sheetNames });
  }
  if (batcher.columns.length === 0) throw readerError('EMPTY_FILE', 'The chosen sheet is empty.');
  if (batcher.rowCount === 0) throw readerError('HEADER_ONLY', `The sheet has a header row (${batcher.columns.join(', ')}) but no data rows.`);
  yield* batcher.drain(true);
}
