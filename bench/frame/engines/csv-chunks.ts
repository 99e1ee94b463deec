import { createReadStream } from 'node:fs';
import Papa from 'papaparse';

/**
 * Streams a CSV file as arrays of `size` rows (header separate), awaiting the consumer between
 * chunks so memory stays bounded by one chunk plus the parser's buffer.
 */
export async function forEachCsvChunk(
  path: string, size: number, consume: (header: string[], rows: string[][]) => Promise<void>,
): Promise<void> {
  let header: string[] | null = null;
  let pending: string[][] = [];
  await new Promise<void>((done, fail) => {
    Papa.parse<string[]>(createReadStream(path, { encoding: 'utf8' }) as unknown as File, {
      skipEmptyLines: true,
      chunk: (results, parser) => {
        let data = results.data;
        if (!header) { header = data[0]; data = data.slice(1); }
        pending = pending.length ? pending.concat(data) : data;
        if (pending.length < size) return;
        parser.pause();
        void (async () => {
          while (pending.length >= size) {
            const rows = pending.slice(0, size);
            pending = pending.slice(size);
            await consume(header as string[], rows);
          }
          parser.resume();
        })().catch(fail);
      },
      complete: () => {
        void (async () => { if (pending.length && header) await consume(header, pending); done(); })().catch(fail);
      },
      error: fail,
    });
  });
}

export function csvLine(values: readonly unknown[]): string {
  return values.map((v) => {
    const text = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',');
}
