import { readerError } from '../reader-error.js';
import { RecordTabulator } from '../records.js';
import { bufferChunks } from '../source.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';

const enum Where { BeforeArray, BeforeElement, AfterElement, InElement, Done }

/**
 * A JSON array of objects, streamed: a small scanner finds where each top-level element
 * starts and ends (tracking strings, escapes and nesting), and only that element is handed
 * to JSON.parse. Memory is bounded by the largest element (limits.maxJsonRecordBytes).
 */
class ArrayScanner {
  where = Where.BeforeArray;
  line = 1;
  private column = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private size = 0;
  private elementLine = 1;

  constructor(
    private readonly maxBytes: number,
    private readonly onElement: (text: string, line: number) => void,
  ) {}

  push(s: string): void {
    let start = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === '\n') {
        this.line += 1;
        this.column = 0;
      } else {
        this.column += 1;
      }
      if (this.where === Where.InElement) {
        if (start === -1) start = i;
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
        } else if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth += 1;
        else if ((c === '}' || c === ']') && --this.depth === 0) {
          this.parts.push(s.slice(start, i + 1));
          start = -1;
          this.finishElement();
        }
        continue;
      }
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\uFEFF') continue;
      if (this.where === Where.BeforeArray && c === '[') this.where = Where.BeforeElement;
      else if (this.where === Where.BeforeElement && c === ']' && this.parts.length === 0) this.where = Where.Done;
      else if (this.where === Where.AfterElement && c === ',') this.where = Where.BeforeElement;
      else if (this.where === Where.AfterElement && c === ']') this.where = Where.Done;
      else if (this.where === Where.BeforeElement && c === '{') {
        this.where = Where.InElement;
        this.depth = 1;
        this.elementLine = this.line;
        start = i;
      } else throw this.unexpected(c);
    }
    if (start !== -1) {
      this.parts.push(s.slice(start));
      this.size += s.length - start;
      if (this.size > this.maxBytes) {
        throw readerError('JSON_RECORD_TOO_LARGE', `The object that starts at line ${this.elementLine} is larger than ${this.maxBytes} characters.`, { line: this.elementLine });
      }
    }
  }

  private finishElement(): void {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.where = Where.AfterElement;
    this.onElement(text, this.elementLine);
  }

  private unexpected(c: string): Error {
    const expected = {
      [Where.BeforeArray]: 'the array\'s opening "["',
      [Where.BeforeElement]: 'an object "{"',
      [Where.AfterElement]: '"," or "]"',
      [Where.Done]: 'the end of the file',
      [Where.InElement]: 'more of the object',
    }[this.where];
    const hint = this.where === Where.BeforeArray ? ' The file must be an array of objects, [{...}, {...}].' : '';
    return readerError('JSON_UNEXPECTED', `Line ${this.line}, column ${this.column}: expected ${expected} but found "${c}".${hint}`, { line: this.line, column: this.column });
  }
}

export async function* readJson(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const tabulator = new RecordTabulator(options.batchSize);
  const scanner = new ArrayScanner(options.limits.maxJsonRecordBytes, (text, line) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw readerError('JSON_BAD_RECORD', `The object that starts at line ${line} is not valid JSON (${(error as Error).message}).`, { line });
    }
    tabulator.add(value as Record<string, unknown>, line);
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of bufferChunks(source)) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw readerError('JSON_UNDECODABLE', `Near line ${scanner.line} the file holds bytes that are not valid UTF-8; JSON must be UTF-8.`, { line: scanner.line });
    }
    scanner.push(text);
    yield* tabulator.drain();
  }
  if (scanner.where !== Where.Done) {
    throw readerError('JSON_TRUNCATED', `The file ends at line ${scanner.line} before the array is closed: it is incomplete.`, { line: scanner.line });
  }
  if (tabulator.rowCount === 0) throw readerError('EMPTY_FILE', 'The JSON array is empty: there are no rows.');
  yield* tabulator.drain(true);
}
