import { readerError } from '../reader-error.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: either an escaped quote or the field's end. */
  QuoteInQuoted,
}

/** `raw`: the row's own text, without its line ending (only when the parser keeps raw rows). */
export type RowSink = (fields: string[], line: number, raw: string) => void;

/**
 * RFC 4180 CSV as a resumable state machine over decoded text chunks: quoted fields may hold
 * delimiters, quotes ("") and newlines; rows end at LF, CRLF or CR. Tracks physical lines and
 * character columns so that every error says where it is.
 */
export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private state = State.FieldStart;
  private line = 1;
  private rowLine = 1;
  private lineStart = 0;
  private offset = 0;
  private quoteLine = 0;
  private quoteColumn = 0;
  private skipLf = false;
  private readonly delimiter: number;
  /** The current row's text from earlier pushes, and where it goes on in the current one (raw rows kept only). */
  private rawCarry = '';
  private rawFrom = 0;

  /** `keepRaw`: hand each row's own text to onRow too (a chunk can then store the rows as CSV). */
  constructor(delimiter: string, private readonly onRow: RowSink, private readonly keepRaw = false) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The physical line the parser has reached (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** The column (1-based, in characters) the next pushed character will have. */
  get currentColumn(): number {
    return this.offset - this.lineStart + 1;
  }

  push(s: string): void {
    const n = s.length;
    const d = this.delimiter;
    let i = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (n > 0 && s.charCodeAt(0) === LF) {
        i = 1;
        this.lineStart = this.offset + 1;
      }
    }
    this.rawFrom = i;
    while (i < n) {
      if (this.state === State.FieldStart) {
        if (s.charCodeAt(i) === QUOTE) {
          this.state = State.Quoted;
          this.quoteLine = this.line;
          this.quoteColumn = this.offset + i - this.lineStart + 1;
          i += 1;
          continue;
        }
        this.state = State.Unquoted;
      }
      if (this.state === State.Unquoted) {
        let j = i;
        let c = 0;
        for (; j < n; j++) {
          c = s.charCodeAt(j);
          if (c === d || c === LF || c === CR) break;
        }
        if (j === n) {
          this.field += s.slice(i, n);
          break;
        }
        this.fields.push(this.field === '' ? s.slice(i, j) : this.field + s.slice(i, j));
        this.field = '';
        this.state = State.FieldStart;
        i = c === d ? j + 1 : this.endRow(s, j, c);
        continue;
      }
      if (this.state === State.Quoted) {
        const j = s.indexOf('"', i);
        const end = j === -1 ? n : j;
        this.countLines(s, i, end);
        this.field += s.slice(i, end);
        if (j === -1) break;
        this.state = State.QuoteInQuoted;
        i = j + 1;
        continue;
      }
      // State.QuoteInQuoted
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.field += '"';
        this.state = State.Quoted;
        i += 1;
      } else if (c === d || c === LF || c === CR) {
        this.fields.push(this.field);
        this.field = '';
        this.state = State.FieldStart;
        i = c === d ? i + 1 : this.endRow(s, i, c);
      } else {
        const column = this.offset + i - this.lineStart + 1;
        throw readerError(
          'CSV_BAD_QUOTE',
          `Line ${this.line}, column ${column}: a quoted field (field ${this.fields.length + 1}) must be followed by the delimiter or the end of the line, but "${s[i]}" follows its closing quote. Double any quote inside a quoted field ("").`,
          { line: this.line, column },
        );
      }
    }
    if (this.keepRaw && this.rawFrom < n) this.rawCarry += s.slice(this.rawFrom, n);
    this.offset += n;
  }

  /** Flushes the last row (files need not end with a newline) and checks nothing is left open. */
  end(): void {
    if (this.state === State.Quoted) {
      throw readerError(
        'CSV_UNCLOSED_QUOTE',
        `Line ${this.quoteLine}, column ${this.quoteColumn}: the quoted field (field ${this.fields.length + 1}) that starts here is never closed; the file ends inside it. Close the quote or double the quotes inside the field.`,
        { line: this.quoteLine, column: this.quoteColumn },
      );
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.fields.push(this.field);
      this.emit(this.rawCarry);
    }
  }

  private emit(raw: string): void {
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    this.state = State.FieldStart;
    this.rawCarry = '';
    // A blank line is not a row.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRow(fields, this.rowLine, raw);
  }

  /** Ends the row at the newline character at index j; returns the index after the newline. */
  private endRow(s: string, j: number, c: number): number {
    this.emit(this.keepRaw ? this.rawCarry + s.slice(this.rawFrom, j) : '');
    let next = j + 1;
    if (c === CR) {
      if (next < s.length) {
        if (s.charCodeAt(next) === LF) next += 1;
      } else {
        this.skipLf = true;
      }
    }
    this.line += 1;
    this.rowLine = this.line;
    this.lineStart = this.offset + next;
    this.rawFrom = next;
    return next;
  }

  private countLines(s: string, from: number, to: number): void {
    let k = s.indexOf('\n', from);
    while (k !== -1 && k < to) {
      this.line += 1;
      this.lineStart = this.offset + k + 1;
      k = s.indexOf('\n', k + 1);
    }
  }
}
