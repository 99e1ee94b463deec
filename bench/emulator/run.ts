// Bulk 2.0 ingest benchmark of the emulator: 3 measured runs (each in a fresh child process, so peak RSS is the
// emulator's own) against two baselines measured in the same run on the same file: papaparse and the emulator's
// CSV reader alone (the parsing ceiling). Usage: node --import tsx bench/emulator/run.ts [rows=1000000]
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import { CsvReader } from '../../src/salesforce-emulator/bulk/csv-reader.js';
import { defaultPath, generate } from './generate.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const file = defaultPath(rows);
if (!existsSync(file)) await generate(rows, file);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function papaparseRowsPerSecond(): Promise<number> {
  const started = performance.now();
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(createReadStream(file, 'utf8'), { step: () => void count++, complete: () => resolve(), error: reject });
  });
  return (count - 1) / ((performance.now() - started) / 1000);
}

function readerRowsPerSecond(): number {
  const started = performance.now();
  const reader = new CsvReader(readFileSync(file, 'utf8'), 44);
  const out: string[] = [];
  let count = 0;
  while (reader.next(out)) count++;
  return (count - 1) / ((performance.now() - started) / 1000);
}

const runs: Record<string, number>[] = [];
const papa: number[] = [];
const reader: number[] = [];
for (let i = 0; i < 3; i++) {
  papa.push(await papaparseRowsPerSecond());
  reader.push(readerRowsPerSecond());
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/emulator/run-once.ts', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const run = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
  if (run.rows !== rows || run.failed !== 0) throw new Error(`run ${i + 1} processed ${run.rows} rows, ${run.failed} failed`);
  runs.push(run);
  console.log(`run ${i + 1}: ${Math.round(run.rowsPerSecond)} rows/s processing, ${Math.round(run.maxRssMb)} MB peak RSS`);
}

const m = (key: string) => median(runs.map((r) => r[key]));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ingest = m('rowsPerSecond');
const table = [
  `# Emulator Bulk 2.0 ingest benchmark`,
  '',
  `${fmt(rows)} Account rows x 8 columns (${(m('bytes') / 1024 / 1024).toFixed(1)} MiB CSV, bench/emulator/generate.ts), insert job over HTTP:`,
  'create job, one chunked PUT, UploadComplete, poll every 20 ms until JobComplete, then stream successfulResults.',
  `Medians of 3 runs measured ${new Date().toISOString().slice(0, 10)} on the shared 2-core machine (load from other work varies).`,
  '',
  '| measure | median | ratio to papaparse |',
  '|---|---|---|',
  `| emulator processing (UploadComplete -> JobComplete), rows/s | ${fmt(ingest)} | ${(ingest / median(papa)).toFixed(2)} |`,
  `| baseline: papaparse 5 streaming parse of the same file, rows/s | ${fmt(median(papa))} | 1.00 |`,
  `| baseline: the emulator's CSV reader alone (parsing ceiling), rows/s | ${fmt(median(reader))} | ${(median(reader) / median(papa)).toFixed(2)} |`,
  `| emulator processing per CPU-second (process CPU time while processing; robust to load from others), rows/s | ${fmt(m('rowsPerCpuSecond'))} | ${(m('rowsPerCpuSecond') / median(papa)).toFixed(2)} |`,
  `| upload (chunked PUT, decoded while streaming), ms | ${fmt(m('uploadMs'))} | |`,
  `| processing, ms | ${fmt(m('processMs'))} | |`,
  `| successfulResults download (${(m('resultBytes') / 1024 / 1024).toFixed(1)} MiB, streamed), ms | ${fmt(m('resultsMs'))} | |`,
  `| peak RSS of the emulator process (holding all ${fmt(rows)} records), MB | ${fmt(m('maxRssMb'))} | |`,
  '',
  `Target: >= 100,000 rows/s processing. Result: ${ingest >= 100_000 ? 'met' : 'NOT met'} (${fmt(ingest)} rows/s).`,
  '',
  'Reproduce: `node --import tsx bench/emulator/run.ts [rows]` (generates bench/out/emulator-accounts-<rows>.csv if missing).',
  '',
];
writeFileSync('bench/emulator/RESULTS.md', table.join('\n'));
console.log(table.join('\n'));
