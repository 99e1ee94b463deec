import { inferTextType } from '../../profile/index.js';
import { Batcher } from '../batcher.js';
import { dedupeHeaders } from '../headers.js';
import { readerError } from '../reader-error.js';
import { readHead } from '../source.js';
import { decodeText, detectEncoding, normaliseEncoding, sampleText } from '../text/index.js';
import type { ByteSource, CellValue, ReaderOptions, RowBatch } from '../types.js';
import { rowMessage } from '../../../row-messages/index.js';
import { CsvParser } from './parser.js';
import { sniffDelimiter } from './sniff.js';

const SNIFF_BYTES = 64 * 1024;

/**
 * A first row is a header when none of its filled cells reads as a number, boolean or date
 * (empty and repeated names are allowed: they get stable names). Override with hasHeader.
 */
function looksLikeHeader(fields: string[]): boolean {
  const filled = fields.map((field) => field.trim()).filter((field) => field !== '');
  return filled.length > 0 && filled.every((field) => inferTextType(field) === 'string');
}

/** The sample up to its last complete line: it only guides the delimiter. */
function sampleLines(head: Buffer, encoding: string): string {
  const text = sampleText(head, encoding);
  const lastNewline = text.lastIndexOf('\n');
  return lastNewline > 0 ? text.slice(0, lastNewline) : text;
}

const isBlank = (field: string): boolean => field.trim() === '';

/**
 * A parsed CSV row at the file's width: a row of the right width becomes the row itself (a million rows are a
 * million arrays less to collect); a ragged one is cut or padded. Empty fields are null. Shared by the reader and
 * by chunks stored as CSV, which read their rows back through the same parser and this.
 */
export function fitRow(fields: string[], width: number): CellValue[] {
  const row: CellValue[] = fields.length === width ? fields : new Array<CellValue>(width);
  for (let i = 0; i < width; i++) {
    const field = fields[i];
    row[i] = field === undefined || field === '' ? null : field;
  }
  return row;
}

/** Rows of CSV text without a header (a chunk's stored rows), given in pieces, fitted to `width`. */
export function parseCsvRows(pieces: Iterable<string>, delimiter: string, width: number): CellValue[][] {
  const rows: CellValue[][] = [];
  const parser = new CsvParser(delimiter, (fields) => rows.push(fitRow(fields, width)));
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return rows;
}

/** CSV / TSV / TXT, streamed: decode, parse, check row widths, batch. */
export async function* readCsv(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const head = await readHead(source, SNIFF_BYTES);
  if (head.length === 0) throw readerError('EMPTY_FILE', 'The file is empty (0 bytes).');
  const encoding = options.encoding ? normaliseEncoding(options.encoding, head) : detectEncoding(head);
  const delimiter = options.delimiter ?? sniffDelimiter(sampleLines(head, encoding));
  const batcher = new Batcher(options.batchSize);
  batcher.rawDelimiter = delimiter;
  let headerFields: string[] | undefined;
  let width = 0;

  const onRow = (fields: string[], line: number, raw: string): void => {
    if (width === 0) {
      // Lines of only spaces and tabs before the first row are blank lines: a file of whitespace holds no rows.
      if (fields.every(isBlank)) return;
      width = fields.length;
      const header = options.hasHeader === 'auto' ? looksLikeHeader(fields) : options.hasHeader;
      if (header) {
        headerFields = fields;
        const { columns, renames } = dedupeHeaders(fields);
        batcher.columns = columns;
        for (const rename of renames) {
          batcher.issue({ row: 0, line, code: 'HEADER_RENAMED', message: `Column ${rename.column} "${rename.from}" is named "${rename.to}".` });
        }
        return;
      }
      batcher.columns = fields.map((_, index) => `column_${index + 1}`);
    }
    const row = fitRow(fields, width);
    if (fields.length !== width) {
      const rowNumber = batcher.rowCount + 1;
      const problem = fields.length < width
        ? `has ${fields.length} fields but the ${headerFields ? 'header' : 'first row'} has ${width}: column ${fields.length + 1} ("${batcher.columns[fields.length]}") onwards is missing`
        : `has ${fields.length} fields but the ${headerFields ? 'header' : 'first row'} has ${width}: column ${width + 1} onwards is extra`;
      if (options.onRaggedRows === 'error') {
        throw readerError('CSV_RAGGED_ROW', `Line ${line}, column ${Math.min(fields.length, width) + 1}: the row ${problem}. Fix the row, or choose to accept ragged rows.`, { line, column: Math.min(fields.length, width) + 1 });
      }
      const against = headerFields ? 'header' : 'firstRow';
      const counts = { line, fields: fields.length, width };
      const { message, i18n } = fields.length < width
        ? rowMessage(`row.file.csvShort.${against}`, { ...counts, column: fields.length + 1, name: batcher.columns[fields.length] ?? '' })
        : rowMessage(`row.file.csvLong.${against}`, { ...counts, column: width + 1, values: fields.slice(width).join(delimiter) });
      batcher.issue({ row: rowNumber, line, code: 'RAGGED_ROW', message, i18n });
    }
    batcher.push(row, raw, line);
  };

  const parser = new CsvParser(delimiter, onRow, true);
  const position = () => ({ line: parser.currentLine, column: parser.currentColumn });
  for await (const text of decodeText(source, { encoding, format: 'CSV', position })) {
    parser.push(text);
    yield* batcher.drain();
  }
  parser.end();
  if (width === 0) throw readerError('EMPTY_FILE', 'The file holds no rows: only blank lines, spaces or tabs.');
  if (batcher.rowCount === 0) {
    throw readerError('HEADER_ONLY', `The file has a header row (${batcher.columns.join(', ')}) but no data rows.`);
  }
  yield* batcher.drain(true);
}
