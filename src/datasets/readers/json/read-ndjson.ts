import { readerError } from '../reader-error.js';
import { RecordTabulator } from '../records.js';
import { bufferChunks } from '../source.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';

function parseLine(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw readerError('NDJSON_BAD_LINE', `Line ${line} is not valid JSON (${(error as Error).message}). Each line must hold one JSON object.`, { line });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw readerError('NDJSON_NOT_OBJECT', `Line ${line} holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 40)}, not a JSON object. Each line must hold one object.`, { line });
  }
  return value as Record<string, unknown>;
}

/** Newline-delimited JSON: one object a line, streamed; blank lines are skipped. */
export async function* readNdjson(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const tabulator = new RecordTabulator(options.batchSize);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let line = 0;
  const take = (text: string): void => {
    line += 1;
    if (text.length > options.limits.maxJsonRecordBytes) {
      throw readerError('NDJSON_LINE_TOO_LONG', `Line ${line} is longer than ${options.limits.maxJsonRecordBytes} characters.`, { line });
    }
    if (text.trim() !== '') tabulator.add(parseLine(text, line), line);
  };
  for await (const chunk of bufferChunks(source)) {
    let text: string;
    try {
      text = rest + decoder.decode(chunk, { stream: true });
    } catch {
      throw readerError('NDJSON_UNDECODABLE', `After line ${line} the file holds bytes that are not valid UTF-8; JSON must be UTF-8.`, { line });
    }
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      take(text.slice(start, newline));
      start = newline + 1;
    }
    rest = text.slice(start);
    if (rest.length > options.limits.maxJsonRecordBytes) take(rest);
    yield* tabulator.drain();
  }
  if (rest.trim() !== '') take(rest);
  if (tabulator.rowCount === 0) throw readerError('EMPTY_FILE', 'The file holds no JSON objects.');
  yield* tabulator.drain(true);
}
