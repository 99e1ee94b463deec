import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import Papa from 'papaparse';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell as Bulk API 2.0 reads it: quoted only when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}

/** Rows of a CSV HTTP body, parsed as they arrive (UTF-8 decoded across chunk boundaries). */
export async function* csvRows(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string[]> {
  if (!body) return;
  const text = Readable.fromWeb(body as NodeReadableStream<Uint8Array>).setEncoding('utf8');
  const parser = text.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: true }));
  for await (const row of parser as AsyncIterable<string[]>) yield row;
}
