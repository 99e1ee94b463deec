type CsvValue = string | number | boolean | null | undefined;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** A scan rather than a RegExp: this runs for every cell of every uploaded row. */
function needsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === COMMA || c === LF || c === CR) return true;
  }
  return false;
}

/** One CSV cell as Bulk API 2.0 reads it: quoted only when it holds a comma, a quote or a line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // A number's or a boolean's text never holds one of them.
  if (typeof value !== 'string') return String(value);
  return needsQuotes(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One row's cells, reused from row to row (each call sets all of them): join() copies them into one flat string. */
const rowCells: string[] = [];

/** Cells joined by commas, without the line break; join() gives a flat string (concatenating builds a rope 4x its size). */
export function csvFields(values: readonly CsvValue[]): string {
  rowCells.length = values.length;
  for (let i = 0; i < values.length; i++) rowCells[i] = csvCell(values[i]);
  return rowCells.join(',');
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${csvFields(values)}\n`;
}

/**
 * An incremental RFC 4180 reader (comma, double quotes, LF or CRLF): `push` text as it arrives and get
 * back every row completed so far; `end` returns the last row when the text did not end with a line break.
 * Empty lines are skipped. Rows come in batches, not one promise each: a million-row result stays cheap.
 */
export class CsvRowReader {
  private rest = '';

  push(text: string): string[][] {
    const input = this.rest + text;
    const rows: string[][] = [];
    let at = 0;
    for (;;) {
      const next = this.row(input, at, false, rows);
      if (next < 0) break;
      at = next;
    }
    this.rest = input.slice(at);
    return rows;
  }

  end(): string[][] {
    const rows: string[][] = [];
    if (this.rest.length > 0) this.row(this.rest, 0, true, rows);
    this.rest = '';
    return rows;
  }

  /** Reads one row starting at `at`; returns where the next starts, or -1 when the row is not complete yet. */
  private row(input: string, at: number, final: boolean, out: string[][]): number {
    const cells: string[] = [];
    let i = at;
    const length = input.length;
    for (;;) {
      if (i >= length) {
        if (!final) return -1;
        cells.push('');
        break;
      }
      let cell: string;
      if (input.charCodeAt(i) === QUOTE) {
        cell = '';
        let from = i + 1;
        for (;;) {
          const close = input.indexOf('"', from);
          if (close < 0) {
            if (!final) return -1;
            cell += input.slice(from);
            i = length;
            break;
          }
          cell += input.slice(from, close);
          if (input.charCodeAt(close + 1) === QUOTE) {
            cell += '"';
            from = close + 2;
            continue;
          }
          if (close + 1 >= length && !final) return -1; // cannot tell "" from " yet
          i = close + 1;
          break;
        }
      } else {
        let end = i;
        while (end < length) {
          const c = input.charCodeAt(end);
          if (c === COMMA || c === LF || c === CR) break;
          end++;
        }
        if (end >= length && !final) return -1;
        cell = input.slice(i, end);
        i = end;
      }
      cells.push(cell);
      const c = i < length ? input.charCodeAt(i) : -1;
      if (c === COMMA) {
        i++;
        if (i >= length && !final) return -1;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= length && !final) return -1;
        i += input.charCodeAt(i + 1) === LF ? 2 : 1;
      } else if (c === LF) i++;
      break;
    }
    if (!(cells.length === 1 && cells[0] === '')) out.push(cells);
    return i;
  }
}

/**
 * Splits CSV text into records as they were written (quoted line breaks kept inside, the line break itself and a
 * CR before it dropped), without reading cells: a caller that compares records as text pays for no cells.
 */
export class CsvLineReader {
  private rest = '';

  push(text: string): string[] {
    const input = this.rest + text;
    const lines: string[] = [];
    let start = 0;
    let scan = 0;
    let quoted = false;
    // The next quote at or after `scan`, found again only once passed (-1: none left), so that text without quotes
    // is not searched to its end once per record.
    let quote = input.indexOf('"');
    for (;;) {
      const lf = input.indexOf('\n', scan);
      if (lf < 0) break;
      while (quote >= 0 && quote < lf) {
        quoted = !quoted;
        quote = input.indexOf('"', quote + 1);
      }
      scan = lf + 1;
      if (quoted) continue;
      const end = lf > start && input.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (end > start) lines.push(input.slice(start, end));
      start = scan;
    }
    this.rest = input.slice(start);
    return lines;
  }

  /** The last record when the text did not end with a line break. */
  end(): string[] {
    const last = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
    this.rest = '';
    return last.length > 0 ? [last] : [];
  }
}

/** The cells of one CSV record (text without its line break). */
export function csvRecordCells(line: string): string[] {
  return new CsvRowReader().push(`${line}\n`)[0] ?? [''];
}

/**
 * Reads the quoted cell that opens at `at` into `cells[n]` (doubled quotes undone) and answers where it ends, or -1 if
 * it is never closed. A cell without doubled quotes (most) is one slice of the line.
 */
function readQuotedCell(line: string, at: number, cells: string[], n: number): number {
  let cell: string | undefined;
  let from = at + 1;
  for (;;) {
    const close = line.indexOf('"', from);
    if (close < 0) return -1;
    if (line.charCodeAt(close + 1) !== QUOTE) {
      cells[n] = cell === undefined ? line.slice(from, close) : cell + line.slice(from, close);
      return close + 1;
    }
    cell = (cell ?? '') + line.slice(from, close + 1); // up to and with one of the two quotes
    from = close + 2;
  }
}

/**
 * Reads the first `cells.length` cells of a CSV record into `cells` (reused from record to record: this runs for every
 * result row) and answers where the rest of it starts (after their commas), or -1 when the record has fewer cells.
 */
export function leadingCells(line: string, cells: string[]): number {
  let at = 0;
  for (let n = 0; n < cells.length; n++) {
    let end: number;
    if (line.charCodeAt(at) === QUOTE) {
      end = readQuotedCell(line, at, cells, n);
      if (end < 0) return -1;
    } else {
      end = line.indexOf(',', at);
      if (end < 0) end = line.length;
      cells[n] = line.slice(at, end);
    }
    // A cell ends at a comma, or at the record's end when it is the last one asked for.
    const last = n === cells.length - 1;
    if (line.charCodeAt(end) === COMMA) at = end + 1;
    else if (last && end === line.length) at = end;
    else return -1;
  }
  return at;
}

/** What an incremental reader makes of a UTF-8 HTTP body, in batches as the body arrives (decoded across chunk boundaries). */
async function* readBody<T>(body: AsyncIterable<Uint8Array>, reader: { push(text: string): T[]; end(): T[] }): AsyncGenerator<T[]> {
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of body) {
    const items = reader.push(decoder.decode(bytes, { stream: true }));
    if (items.length > 0) yield items;
  }
  const items = [...reader.push(decoder.decode()), ...reader.end()];
  if (items.length > 0) yield items;
}

/** Rows of a CSV HTTP body (the header first), in batches as the body arrives. */
export const csvRows = (body: AsyncIterable<Uint8Array>): AsyncGenerator<string[][]> => readBody(body, new CsvRowReader());

/** Records of a CSV HTTP body as text (the header first), in batches as the body arrives; see CsvLineReader. */
export const csvRecordLines = (body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> => readBody(body, new CsvLineReader());
