// Hostile files for bench/hostile/run.ts, written to bench/out/hostile/ (git-ignored): a row bomb behind lying zip
// headers as issue 12 found it, a row bomb that compresses like real data, a 2.2 GB cell, a shared-strings table near
// its limit, JSON nested a million levels, 100 MB of whitespace, a UTF-32 CSV.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw, crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { zipOf } from '../../test/support/zip.js';

export const FOLDER = 'bench/out/hostile';

interface Entry { name: string; parts: () => Iterable<Buffer>; declaredSize?: number }

/** Deflates an entry's parts as they are made (nothing large is held), returning the compressed bytes and the CRC. */
async function deflated(parts: Iterable<Buffer>): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  let crc = 0;
  let size = 0;
  for (const part of parts) {
    crc = crc32(part, crc);
    size += part.length;
    if (!deflate.write(part)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { data: Buffer.concat(out), crc, size };
}

async function writeZip(path: string, entries: Entry[]): Promise<void> {
  const deflatedEntries = [];
  for (const entry of entries) {
    const { data, crc, size } = await deflated(entry.parts());
    deflatedEntries.push({ name: entry.name, deflated: data, crc, size, declaredSize: entry.declaredSize });
  }
  writeFileSync(path, zipOf(deflatedEntries));
}

const RELS = '<Relationships><Relationship Id="rId1" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const BOOK_RELS = '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/** A one-sheet workbook: the sheet's rows come from `rows` in pieces; `declaredSize` makes its headers lie. */
function workbook(path: string, rows: () => Iterable<string>, options: { declaredSize?: number; strings?: () => Iterable<string> } = {}) {
  const text = (pieces: () => Iterable<string>) => function* () {
    for (const piece of pieces()) yield Buffer.from(piece);
  };
  const entries: Entry[] = [
    { name: '[Content_Types].xml', parts: () => [Buffer.from('<Types/>')] },
    { name: '_rels/.rels', parts: () => [Buffer.from(RELS)] },
    { name: 'xl/workbook.xml', parts: () => [Buffer.from('<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>')] },
    { name: 'xl/_rels/workbook.xml.rels', parts: () => [Buffer.from(BOOK_RELS.replace('</Rel', '<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Rel'))] },
    { name: 'xl/worksheets/sheet1.xml', parts: text(function* () { yield '<worksheet><sheetData>'; yield* rows(); yield '</sheetData></worksheet>'; }), declaredSize: options.declaredSize },
  ];
  const strings = options.strings;
  if (strings) entries.push({ name: 'xl/sharedStrings.xml', parts: text(function* () { yield '<sst>'; yield* strings(); yield '</sst>'; }) });
  return writeZip(path, entries);
}

function* batched(count: number, row: (i: number) => string): Generator<string> {
  for (let from = 0; from < count; from += 10_000) {
    let piece = '';
    for (let i = from; i < Math.min(count, from + 10_000); i++) piece += row(i);
    yield piece;
  }
}

const inline = (value: string) => `<c t="inlineStr"><is><t>${value}</t></is></c>`;

/** `count` distinct strings of ~120 bytes (random enough to compress ~5:1, as real text does), 1,000 rows using them. */
const sharedStrings = (name: string, count: number) => workbook(`${FOLDER}/${name}`, () => batched(1000, (i) => `<row><c t="s"><v>${i * 1000}</v></c></row>`), {
  strings: () => batched(count, (i) => `<si><t>${randomBytes(15).toString('base64')} ${i} ${'lorem ipsum dolor sit amet '.repeat(3)}</t></si>`),
});

export const FILES: Record<string, () => Promise<void>> = {
  // As issue 12 found it: 38,100,514 tiny rows (no r attributes: they are optional) behind headers that declare 1 KB.
  'row-bomb-lying-headers.xlsx': () => workbook(`${FOLDER}/row-bomb-lying-headers.xlsx`, () => batched(38_100_514, () => '<row><c><v>1</v></c></row>'), { declaredSize: 1024 }),
  // Rows that compress like real data (under the ratio limit), also behind lying headers: the row limit stops them.
  'row-bomb-real-ratio.xlsx': () => workbook(`${FOLDER}/row-bomb-real-ratio.xlsx`, () => batched(1_200_000, () => `<row>${inline(randomBytes(6).toString('base64'))}<c><v>${Math.random()}</v></c></row>`), { declaredSize: 4096 }),
  // One 2.2 GB cell value, behind headers that declare 4 KB.
  'cell-2.2gb.xlsx': () => workbook(`${FOLDER}/cell-2.2gb.xlsx`, function* () {
    yield `<row>${inline('a')}</row><row><c><v>`;
    const block = '7'.repeat(1024 * 1024);
    for (let i = 0; i < 2200; i++) yield block;
    yield '</v></c></row>';
  }, { declaredSize: 4096 }),
  // Distinct shared strings used by 1,000 rows: ~180 MB of text (the table's limit is 192 MB), and ~250 MB.
  'shared-strings-180mb.xlsx': () => sharedStrings('shared-strings-180mb.xlsx', 1_500_000),
  'shared-strings-250mb.xlsx': () => sharedStrings('shared-strings-250mb.xlsx', 2_100_000),
  'deep-1m.json': async () => writeFileSync(`${FOLDER}/deep-1m.json`, `[{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}]`),
  'deep-1m.ndjson': async () => writeFileSync(`${FOLDER}/deep-1m.ndjson`, `{"a":1}\n{"a":${'{"b":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}}\n`),
  'whitespace-100mb.csv': async () => {
    const out = createWriteStream(`${FOLDER}/whitespace-100mb.csv`);
    const block = Buffer.from(' \t  \r\n\t\n   \n'.repeat(80_000));
    for (let written = 0; written < 100e6; written += block.length) if (!out.write(block)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  },
  'utf32le-200k-rows.csv': async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},Zoë ${i},東京,${i / 4}`);
    writeFileSync(`${FOLDER}/utf32le-200k-rows.csv`, iconv.encode(`\ufeffid,name,city,score\n${rows.join('\n')}\n`, 'utf-32le'));
  },
};

export async function generate(name: string): Promise<string> {
  mkdirSync(FOLDER, { recursive: true });
  const path = `${FOLDER}/${name}`;
  if (!existsSync(path)) await FILES[name]();
  return path;
}
