import { readerError } from '../reader-error.js';
import type { CellValue, ReaderOptions } from '../types.js';
import type { SharedStrings } from './shared-strings.js';
import type { XmlHandler, XmlTokenizer } from './xml.js';

/** Excel's grid: columns A to XFD. */
const MAX_COLUMN = 16_384;

export const columnLetter = (index: number): string => {
  let name = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

/** The column number of a cell reference ("AB12" -> 28); 0 when it has no letters. */
function columnOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const c = reference.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    column = column * 26 + (c - 0x60);
    if (column > MAX_COLUMN) return column;
  }
  return column;
}

export interface SheetContext {
  sheet: string;
  strings: SharedStrings;
  dateStyles: boolean[];
  date1904: boolean;
  limits: ReaderOptions['limits'];
}

export interface SheetRow {
  /** The row's number in the sheet (its r attribute, or the one after the previous row). */
  number: number;
  /** Values by column index (0 = A); holes are empty cells. */
  cells: CellValue[];
  /** Error cells (#N/A, ...) by column index, read as empty. */
  errors: { column: number; error: string }[];
}

/** A serial day number as a UTC instant, as Excel shows it (1900 or 1904 date system). */
const serialDate = (serial: number, date1904: boolean): Date =>
  new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/**
 * A worksheet's <sheetData>, row by row. Cells and rows without their optional r attribute take the place after
 * the previous one. Refused while streaming: a cell over maxCellChars (CELL_TOO_LARGE, before its text is
 * gathered), more rows than maxSheetRows allows, a cell beyond column XFD.
 */
export class SheetReader implements XmlHandler {
  tokenizer?: XmlTokenizer;
  private rowNumber = 0;
  private rowsSeen = 0;
  private row: SheetRow | null = null;
  private column = 0;
  private cellsInRow = 0;
  private type = 'n';
  private style = 0;
  private text: string | null = null;
  private inInline = false;
  private inPhonetic = false;

  constructor(
    private readonly context: SheetContext,
    private readonly onRow: (row: SheetRow) => void,
  ) {}

  private get reference(): string {
    return `${columnLetter(this.column)}${this.rowNumber}`;
  }

  start(name: string, attributes: Record<string, string>): void {
    if (name === 'row') this.startRow(attributes.r);
    else if (name === 'c' && this.row) this.startCell(attributes);
    else if (name === 'is') this.inInline = true;
    else if (name === 'rPh') this.inPhonetic = true;
    else if ((name === 'v' || (name === 't' && this.inInline && !this.inPhonetic)) && this.row) this.collect();
  }

  end(name: string): void {
    if ((name === 'v' || (name === 't' && this.inInline && !this.inPhonetic)) && this.tokenizer?.collect) {
      this.tokenizer.collect = null;
      this.text = (this.text ?? '') + this.tokenizer.takeText();
    } else if (name === 'is') this.inInline = false;
    else if (name === 'rPh') this.inPhonetic = false;
    else if (name === 'c' && this.row) this.endCell(this.row);
    else if (name === 'row' && this.row) {
      this.onRow(this.row);
      this.row = null;
    }
  }

  private startRow(r: string | undefined): void {
    const { limits, sheet } = this.context;
    this.rowsSeen += 1;
    this.rowNumber = r ? Number(r) : this.rowNumber + 1;
    // One row for the header, maxSheetRows for data: more is past Excel's own grid, a row bomb.
    if (this.rowsSeen > limits.maxSheetRows + 1 || !(this.rowNumber <= limits.maxSheetRows + 1)) {
      throw readerError(
        'XLSX_TOO_MANY_ROWS',
        `Sheet "${sheet}" has more than ${limits.maxSheetRows + 1} rows (row ${this.rowNumber}): DMS reads ` +
          `at most ${limits.maxSheetRows} data rows a sheet, as Excel does. Split the sheet, or export it as ` +
          `CSV.`,
        { sheet, row: this.rowNumber },
      );
    }
    this.row = { number: this.rowNumber, cells: [], errors: [] };
    this.column = 0;
    this.cellsInRow = 0;
  }

  private startCell(attributes: Record<string, string>): void {
    this.cellsInRow += 1;
    this.column = attributes.r ? columnOf(attributes.r) : this.column + 1;
    if (this.column === 0 || this.column > MAX_COLUMN || this.cellsInRow > MAX_COLUMN) {
      const sheet = this.context.sheet;
      const cell = attributes.r ?? `number ${this.cellsInRow}`;
      throw readerError(
        'XLSX_CORRUPT',
        `Sheet "${sheet}", row ${this.rowNumber}: a cell (${cell}) lies outside Excel's columns A to XFD: the file is damaged.`,
        { sheet, row: this.rowNumber },
      );
    }
    this.type = attributes.t ?? 'n';
    this.style = attributes.s ? Number(attributes.s) : 0;
    this.text = null;
  }

  private collect(): void {
    if (!this.tokenizer) return;
    const limit = this.context.limits.maxCellChars - (this.text?.length ?? 0);
    this.tokenizer.collect = { limit, onTooLong: () => this.tooLarge() };
  }

  private tooLarge(): never {
    const { sheet, limits } = this.context;
    const cell = this.reference;
    throw readerError(
      'CELL_TOO_LARGE',
      `Sheet "${sheet}", cell ${cell} holds more than ${limits.maxCellChars} characters, more than any ` +
        `Salesforce field (a long text area) can hold. Shorten the cell, or move its text out of the sheet.`,
      { sheet, cell, maxCellChars: limits.maxCellChars },
    );
  }

  private endCell(row: SheetRow): void {
    const text = this.text;
    if (text === null) return;
    const value = this.value(text, row);
    if (value !== null) row.cells[this.column - 1] = value;
  }

  private value(text: string, row: SheetRow): CellValue {
    switch (this.type) {
      case 's': {
        const value = this.context.strings.get(Number(text));
        if (value === null) this.tooLarge();
        if (value === undefined) {
          throw readerError(
            'XLSX_CORRUPT',
            `Sheet "${this.context.sheet}", cell ${this.reference} refers to shared string ${text}, which the ` +
              `workbook does not have: the file is damaged.`,
            { sheet: this.context.sheet, cell: this.reference },
          );
        }
        return value === '' ? null : value;
      }
      case 'inlineStr':
      case 'str':
        return text === '' ? null : text;
      case 'b':
        return text === '1' || text === 'true';
      case 'e':
        row.errors.push({ column: this.column - 1, error: text });
        return null;
      case 'd': {
        const date = new Date(text);
        return Number.isNaN(date.getTime()) ? text : date;
      }
      default: {
        if (text.trim() === '') return null;
        const number = Number(text);
        if (!Number.isFinite(number)) return text;
        return this.context.dateStyles[this.style] ? serialDate(number, this.context.date1904) : number;
      }
    }
  }
}
