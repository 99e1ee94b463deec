import { inferValueType } from '../../profile/index.js';
import { Batcher } from '../batcher.js';
import { dedupeHeaders } from '../headers.js';
import { readerError } from '../reader-error.js';
import type { ByteSource, CellValue, ReaderOptions, RowBatch } from '../types.js';
import { SheetReader, columnLetter, type SheetRow } from './sheet.js';
import { readWorkbook, type SheetEntry, type Workbook } from './workbook.js';
import { XmlTokenizer } from './xml.js';
import { rowMessage } from '../../../row-messages/index.js';
import { InflateBudget, zipParts } from './zip-entries.js';
import { readZipDirectory } from './zip-directory.js';

function chooseSheet(book: Workbook, wanted: string | undefined): SheetEntry {
  const names = book.sheets.map((sheet) => `"${sheet.name}"`).join(', ') || 'none';
  const sheet = book.sheets.find((s) => (wanted === undefined ? s.kind === 'worksheet' : s.name === wanted));
  if (!sheet) {
    const what = wanted === undefined ? 'worksheet' : `sheet named "${wanted}"`;
    throw readerError('EXCEL_SHEET_NOT_FOUND', `The workbook has no ${what}. Its sheets: ${names}.`, {
      sheets: book.sheets.map((s) => s.name),
    });
  }
  if (sheet.kind !== 'worksheet') {
    throw readerError(
      'EXCEL_SHEET_NOT_FOUND',
      `The sheet "${sheet.name}" is a ${sheet.kind}, not a worksheet with cells. Its sheets: ${names}.`,
      { sheets: book.sheets.map((s) => s.name) },
    );
  }
  return sheet;
}

/** Turns sheet rows into batches: the first non-empty row may be the header; rows wider than it are ragged. */
class RowTable {
  readonly batcher: Batcher;
  private width = 0;

  constructor(
    private readonly sheet: string,
    private readonly options: ReaderOptions,
  ) {
    this.batcher = new Batcher(options.batchSize);
  }

  add(row: SheetRow): void {
    const { batcher, sheet, options } = this;
    const cells: CellValue[] = Array.from(row.cells, (cell) => cell ?? null);
    if (cells.length === 0) return;
    if (this.width === 0) {
      this.width = cells.length;
      const allText = cells.every((cell) => cell === null || inferValueType(cell) === 'string');
      const header = options.hasHeader === 'auto' ? allText : options.hasHeader;
      if (header) {
        const { columns, renames } = dedupeHeaders(cells);
        batcher.columns = columns;
        for (const rename of renames) {
          const cell = `${columnLetter(rename.column)}${row.number}`;
          const message = `Sheet "${sheet}", cell ${cell}: "${rename.from}" is named "${rename.to}".`;
          batcher.issue({ row: 0, code: 'HEADER_RENAMED', message });
        }
        return;
      }
      batcher.columns = cells.map((_, i) => `column_${i + 1}`);
    }
    const dataRow = batcher.rowCount + 1;
    if (cells.length > this.width) {
      const cell = `${columnLetter(this.width + 1)}${row.number}`;
      if (options.onRaggedRows === 'error') {
        throw readerError(
          'EXCEL_RAGGED_ROW',
          `Sheet "${sheet}", row ${row.number}, cell ${cell}: the row has values beyond the ${this.width} ` +
            `columns of the first row. Add a header for them, or choose to accept ragged rows.`,
          { sheet, row: row.number, cell },
        );
      }
      const said = rowMessage('row.file.excelRagged', { sheet, row: row.number, cell, width: this.width });
      batcher.issue({ row: dataRow, code: 'RAGGED_ROW', ...said });
    }
    for (const { column, error } of row.errors) {
      const said = rowMessage('row.file.excelError', { sheet, cell: `${columnLetter(column + 1)}${row.number}`, error });
      batcher.issue({ row: dataRow, code: 'EXCEL_ERROR_VALUE', ...said });
    }
    batcher.push(cells.length === this.width ? cells : Array.from({ length: this.width }, (_, i) => cells[i] ?? null));
  }
}

/**
 * Excel .xlsx, streamed by our own zip and XML reading (zip-entries.ts, xml.ts): every inflated byte is counted
 * against the limits whatever the zip headers claim, a cell's text is never gathered past maxCellChars, and only
 * the shared strings (bounded) and the current batch are held. One sheet: by name, default the first worksheet.
 */
export async function* readXlsx(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const directory = await readZipDirectory(source, options.limits);
  const budget = new InflateBudget(options.limits);
  const book = await readWorkbook(source, directory, budget, options.limits);
  const sheet = chooseSheet(book, options.sheet);
  const table = new RowTable(sheet.name, options);
  const { strings, dateStyles, date1904 } = book;
  const context = { sheet: sheet.name, strings, dateStyles, date1904, limits: options.limits };
  const reader = new SheetReader(context, (row) => table.add(row));
  let found = false;
  for await (const { entry, text } of zipParts(source, directory, [sheet.part], budget)) {
    found = true;
    const tokenizer = new XmlTokenizer(reader, entry.name);
    reader.tokenizer = tokenizer;
    for await (const piece of text) {
      tokenizer.push(piece);
      yield* table.batcher.drain();
    }
    tokenizer.end();
  }
  if (!found) {
    throw readerError('XLSX_CORRUPT', `The sheet "${sheet.name}" has no ${sheet.part} part: the workbook is damaged.`);
  }
  if (table.batcher.columns.length === 0) throw readerError('EMPTY_FILE', `The sheet "${sheet.name}" is empty.`);
  if (table.batcher.rowCount === 0) {
    throw readerError(
      'HEADER_ONLY',
      `The sheet has a header row (${table.batcher.columns.join(', ')}) but no data rows.`,
    );
  }
  yield* table.batcher.drain(true);
}
