// Files of long rows for bench/long-rows/run.ts: `ext,name,description`, each description random characters from a
// set of CJK, emoji (two UTF-16 units), quotes, commas, semicolons, CR and LF (inside the quotes), so every cell is
// quoted, multibyte and full of what a CSV parser must get right. Deterministic (seeded), written once to bench/out.
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';

const ALPHABET = [...'顧客データ移行検証🌍😀ü"\r\n,;界'];

/** A small seeded generator (mulberry32): the same file on every machine. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const description = (next: () => number, chars: number): string =>
  Array.from({ length: chars }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');

/** The file's rows as the generator makes them: [external id, description] (what a run must write, unparsed). */
export function* rowsOf(tag: string, rows: number, chars: number): Generator<[string, string]> {
  const next = random(rows * 31 + chars);
  for (let n = 1; n <= rows; n++) yield [`${tag}-${n}`, description(next, chars)];
}

/** `rows` rows of `chars`-character descriptions, external ids `<tag>-<n>`; answers the file's path. */
export async function generate(tag: string, rows: number, chars: number): Promise<string> {
  const path = `bench/out/long-rows-${tag}-${rows}x${chars}.csv`;
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  out.write('ext,name,description\n');
  let n = 0;
  for (const [ext, text] of rowsOf(tag, rows, chars)) {
    if (!out.write(`${ext},Long rows ${++n},"${text.replaceAll('"', '""')}"\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}
