// Writes bench/out/frame-<rows>.csv: 8 columns (id, first_name, last_name, email, country, amount,
// quantity, signup_date), deterministic (seeded), ~5 % duplicate emails, some quoted names with commas.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../out');
export const HEADER = ['id', 'first_name', 'last_name', 'email', 'country', 'amount', 'quantity', 'signup_date'];

const FIRST = ['Ada', 'Grace', 'Alan', 'Édith', 'Zoë', 'Jürgen', 'Mary', 'José', 'Li', 'Ngozi'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Piaf', 'Müller', '"Smith, Jr."', 'Nakamura', 'García', 'Okafor', 'Ødegaard'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'JP', 'NG', 'BR', 'IN', 'ES', 'IT', 'NO', 'CN'];

export function csvPath(rows: number): string {
  return resolve(OUT_DIR, `frame-${rows}.csv`);
}

export async function generate(rows: number): Promise<string> {
  const path = csvPath(rows);
  if (existsSync(path)) return path;
  mkdirSync(OUT_DIR, { recursive: true });
  let seed = 42;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const out = createWriteStream(path);
  out.write(`${HEADER.join(',')}\n`);
  let buffer = '';
  for (let i = 1; i <= rows; i++) {
    const emailId = rand() < 0.05 ? Math.floor(rand() * i) + 1 : i;
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    buffer += [
      i, FIRST[i % FIRST.length], LAST[Math.floor(rand() * LAST.length)], `user${emailId}@example.com`,
      COUNTRIES[Math.floor(rand() * COUNTRIES.length)], (rand() * 1000).toFixed(2), 1 + Math.floor(rand() * 20),
      `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ].join(',') + '\n';
    if (i % 10_000 === 0) {
      if (!out.write(buffer)) await new Promise<void>((done) => out.once('drain', () => done()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((done) => out.once('finish', () => done()));
  return path;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(await generate(rows));
}
