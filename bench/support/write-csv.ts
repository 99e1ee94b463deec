import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';

/** Writes a header and `rows` generated lines (line(i) for i = 1..rows, each ending in \n), in 10,000-line writes with back-pressure. */
export async function writeCsvLines(path: string, header: string, rows: number, line: (i: number) => string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let buffer = '';
  for (let i = 1; i <= rows; i++) {
    buffer += line(i);
    if (i % 10_000 === 0) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return path;
}
