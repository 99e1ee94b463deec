const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvFormatError extends Error {}

/** Thrown inside next() when the record runs past the end of text that is not the last part. */
const INCOMPLETE = Symbol('incomplete');

/**
 * A fast RFC 4180 record reader with a configurable delimiter, over one string or over parts fed one after
 * another (a job's upload read from disk). It remembers where each record starts and ends in `text`, so results
 * can echo the uploaded line.
 */
export class CsvReader {
  pos = 0;
  rowStart = 0;
  rowEnd = 0;
  line = 0;
  /** False while more text may be fed: a record reaching the end of `text` is then read again after the next part. */
  private final: boolean;

  constructor(public text: string, private readonly delimiter: number, final = true) {
    this.final = final;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** Appends the next part of the input (the records already read are dropped from `text`). */
  feed(part: string, final: boolean): void {
    const atStart = this.line === 0 && this.pos === 0 && this.text === '';
    this.text = this.text.slice(this.pos) + part;
    this.pos = atStart && this.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.final = final;
  }

  /** Reads the next non-blank record into `out` (cleared first); false at the end of the text (or of this part). */
  next(out: string[]): boolean {
    const line = this.line;
    try {
      return this.read(out);
    } catch (error) {
      if (error !== INCOMPLETE) throw error;
      this.pos = this.rowStart;
      this.line = line;
      return false;
    }
  }

  private read(out: string[]): boolean {
    const text = this.text;
    const len = text.length;
    const d = this.delimiter;
    const more = !this.final;
    out.length = 0;
    while (this.pos < len) {
      const c = text.charCodeAt(this.pos);
      if (c !== LF && c !== CR) break;
      if (more && this.pos + 1 >= len) break;
      this.pos += c === CR && text.charCodeAt(this.pos + 1) === LF ? 2 : 1;
      this.line++;
    }
    this.rowStart = this.pos;
    if (this.pos >= len || (more && this.pos + 1 >= len)) return false;
    this.line++;
    let i = this.pos;
    for (;;) {
      let c = text.charCodeAt(i);
      if (c === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0 && more) throw INCOMPLETE;
          if (q < 0) throw new CsvFormatError(`Unterminated quoted value in line ${this.line}`);
          if (more && q + 1 >= len) throw INCOMPLETE;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        out.push(value);
        c = i < len ? text.charCodeAt(i) : LF;
        if (c !== d && c !== LF && c !== CR) throw new CsvFormatError(`Unexpected character after a closing quote in line ${this.line}`);
      } else {
        const start = i;
        while (i < len) {
          c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          i++;
        }
        if (i >= len && more) throw INCOMPLETE;
        if (i >= len) c = LF;
        out.push(text.slice(start, i));
      }
      if (c === d) {
        i++;
        if (i >= len && more) throw INCOMPLETE;
        if (i >= len) {
          out.push('');
          break;
        }
        continue;
      }
      break;
    }
    this.rowEnd = Math.min(i, len);
    if (more && text.charCodeAt(i) === CR && i + 1 >= len) throw INCOMPLETE;
    if (i < len) i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    this.pos = i;
    return true;
  }
}

export const DELIMITERS: Record<string, string> = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' };

/** Quotes a value for a result CSV (Salesforce quotes every value). */
export function quoteCsv(value: string): string {
  return `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`;
}
