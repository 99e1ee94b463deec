import { readerError } from '../reader-error.js';
import { RecordTabulator } from '../records.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';
import { tooDeep, tooDeepAt } from './depth.js';
import { jsonText } from './text.js';

function parseLine(text: string, line: number, maxDepth: number): Record<string, unknown> {
  const deep = tooDeepAt(text, maxDepth);
  if (deep !== -1) throw tooDeep(line, deep + 1, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw readerError(
      'NDJSON_BAD_LINE',
      `Line ${line} is not valid JSON (${(error as Error).message}). Each line must hold one JSON object.`,
      { line },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw readerError(
      'NDJSON_NOT_OBJECT',
      `Line ${line} holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 40)}, not ` +
        `a JSON object. Each line must hold one object.`,
      { line },
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Newline-delimited JSON: one object a line, streamed; blank lines are skipped. A line is searched for its end only
 * in each new piece (a long line's earlier pieces wait in a list), so a 16 MB line costs no quadratic copying.
 */
export async function* readNdjson(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const tabulator = new RecordTabulator(options.batchSize);
  const max = options.limits.maxJsonRecordBytes;
  let pending: string[] = [];
  let pendingLength = 0;
  let line = 0;
  const take = (tail: string): void => {
    const text = pending.length === 0 ? tail : pending.join('') + tail;
    pending = [];
    pendingLength = 0;
    line += 1;
    if (text.length > max) throw readerError('NDJSON_LINE_TOO_LONG', `Line ${line} is longer than ${max} characters.`, { line });
    if (text.trim() !== '') tabulator.add(parseLine(text, line, options.limits.maxJsonDepth), line);
  };
  const position = () => ({ line: line + 1, column: pendingLength + 1 });
  for await (const piece of jsonText(source, options, 'NDJSON', position)) {
    let start = 0;
    for (let newline = piece.indexOf('\n'); newline !== -1; newline = piece.indexOf('\n', start)) {
      take(piece.slice(start, newline));
      start = newline + 1;
    }
    if (start < piece.length) {
      pending.push(piece.slice(start));
      pendingLength += piece.length - start;
      if (pendingLength > max) take('');
    }
    yield* tabulator.drain();
  }
  if (pending.length > 0) take('');
  if (tabulator.rowCount === 0) throw readerError('EMPTY_FILE', 'The file holds no JSON objects, only whitespace or blank lines.');
  yield* tabulator.drain(true);
}
