const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvFormatError extends Error {}

/**
 * A fast RFC 4180 record reader over a whole string (the one upload of a job), with a configurable
 * delimiter. It remembers where each record starts and ends, so results can echo the uploaded line.
 */
export class CsvReader {
  pos = 0;
  rowStart = 0;
  rowEnd = 0;
  line = 0;

  constructor(readonly text: string, private readonly delimiter: number) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  /** Reads the next non-blank record into `out` (cleared first); returns false at the end of the text. */
  next(out: string[]): boolean {
    const text = this.text;
    const len = text.length;
    const d = this.delimiter;
    out.length = 0;
    while (this.pos < len) {
      const c = text.charCodeAt(this.pos);
      if (c !== LF && c !== CR) break;
      this.pos += c === CR && text.charCodeAt(this.pos + 1) === LF ? 2 : 1;
      this.line++;
    }
    if (this.pos >= len) return false;
    this.rowStart = this.pos;
    this.line++;
    let i = this.pos;
    for (;;) {
      let c = text.charCodeAt(i);
      if (c === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new CsvFormatError(`Unterminated quoted value in line ${this.line}`);
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
        if (i >= len) c = LF;
        out.push(text.slice(start, i));
      }
      if (c === d) {
        i++;
        if (i >= len) {
          out.push('');
          break;
        }
        continue;
      }
      break;
    }
    this.rowEnd = Math.min(i, len);
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
