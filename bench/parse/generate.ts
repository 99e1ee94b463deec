// Writes a CSV of N rows x 8 columns (default 1,000,000 rows, ~100 MB) for the parse benchmark.
// Usage: node --import tsx bench/parse/generate.ts [rows] [path]
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';

const FIRST = ['Ada', 'Grace', 'Alan', 'Zoë', 'Linus', 'Margaret', 'Dennis', 'Barbara'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Müller', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov'];

export async function generateCsv(rows: number, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write('id,first_name,last_name,email,amount,created_at,active,note\n');
  let seed = 42;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let buffer = '';
  for (let i = 1; i <= rows; i++) {
    const first = FIRST[next() % 8];
    const last = LAST[next() % 8];
    const day = new Date(Date.UTC(2020, 0, 1) + (next() % 1_500) * 86_400_000).toISOString().slice(0, 10);
    const note = i % 10 === 0 ? `"said ""hi"", then left, ${i}"` : `plain note number ${next() % 100_000}`;
    buffer += `${i},${first},${last},${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com,${(next() % 1_000_000) / 100},${day},${i % 3 === 0},${note}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/**
 * A file sorted by a long text column: 10,000 distinct names (each longer than V8's 13-character slice limit) in
 * contiguous blocks, so a new distinct value turns up all through the file. A profiler that kept its distinct values
 * as views into the parsed text would keep ~all the text alive; memory has to stay flat here too.
 */
export async function generateSortedCsv(rows: number, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write('id,company,amount\n');
  const block = Math.max(1, Math.floor(rows / 10_000));
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    buffer += `${i + 1},Company number ${String(Math.floor(i / block)).padStart(6, '0')} Limited,${i % 997}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generateCsv(Number(process.argv[2] ?? 1_000_000), process.argv[3] ?? 'bench/out/parse-1m.csv');
}
