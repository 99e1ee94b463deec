import { readerError } from '../reader-error.js';
import { RecordTabulator } from '../records.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';
import { tooDeep } from './depth.js';
import { jsonText } from './text.js';

const enum Where { BeforeArray, BeforeElement, AfterElement, InElement, Done }

/**
 * A JSON array of objects, streamed: a small scanner finds where each top-level element
 * starts and ends (tracking strings, escapes and nesting), and only that element is handed
 * to JSON.parse. Memory is bounded by the largest element (limits.maxJsonRecordBytes), and nesting by
 * limits.maxJsonDepth, checked here as each bracket opens, so nothing deeper ever reaches JSON.parse.
 */
class ArrayScanner {
  where = Where.BeforeArray;
  line = 1;
  /** Characters read on the current line. */
  column = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private size = 0;
  private elementLine = 1;

  constructor(
    private readonly limits: ReaderOptions['limits'],
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
        else if (c === '{' || c === '[') this.open();
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
        this.depth = 0;
        this.open();
        this.elementLine = this.line;
        start = i;
      } else throw this.unexpected(c);
    }
    if (start !== -1) {
      this.parts.push(s.slice(start));
      this.size += s.length - start;
      if (this.size > this.limits.maxJsonRecordBytes) {
        const max = this.limits.maxJsonRecordBytes;
        throw readerError(
          'JSON_RECORD_TOO_LARGE',
          `The object that starts at line ${this.elementLine} is larger than ${max} characters.`,
          { line: this.elementLine },
        );
      }
    }
  }

  /** One level deeper inside an element; the file's array is level 1, so an element's own brackets start at 2. */
  private open(): void {
    this.depth += 1;
    if (this.depth + 1 > this.limits.maxJsonDepth) throw tooDeep(this.line, this.column, this.limits.maxJsonDepth);
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
    return readerError(
      'JSON_UNEXPECTED',
      `Line ${this.line}, column ${this.column}: expected ${expected} but found "${c}".${hint}`,
      { line: this.line, column: this.column },
    );
  }
}

export async function* readJson(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const tabulator = new RecordTabulator(options.batchSize);
  const scanner = new ArrayScanner(options.limits, (text, line) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw readerError(
        'JSON_BAD_RECORD',
        `The object that starts at line ${line} is not valid JSON (${(error as Error).message}).`,
        { line },
      );
    }
    tabulator.add(value as Record<string, unknown>, line);
  });
  const position = () => ({ line: scanner.line, column: scanner.column + 1 });
  for await (const text of jsonText(source, options, 'JSON', position)) {
    scanner.push(text);
    yield* tabulator.drain();
  }
  if (scanner.where === Where.BeforeArray) {
    throw readerError('EMPTY_FILE', 'The file holds only whitespace: there is no JSON array to read.');
  }
  if (scanner.where !== Where.Done) {
    throw readerError(
      'JSON_TRUNCATED',
      `The file ends at line ${scanner.line} before the array is closed: it is incomplete.`,
      { line: scanner.line },
    );
  }
  if (tabulator.rowCount === 0) throw readerError('EMPTY_FILE', 'The JSON array is empty: there are no rows.');
  yield* tabulator.drain(true);
}
