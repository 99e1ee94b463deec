// CPU of a Bulk batch's worker steps apart from any service: the dataset's chunks decoded (decodeChunk), each
// chunk's rows prepared as prepareBatch does for a Bulk batch (prepareChunk: frame, empty pipeline, record builder
// from an identity mapping, preflight check against the Local org's Account describe, cell conversion, each row's
// upload line), then the part's header and lines (headerOf, linesUnder: write-bulk's partOf). Chunks of 5,000 rows as the parse job
// stores CSV files, batches of 25,000 rows as a Bulk run plans them. Each run is a fresh process with the worker's
// heap flags; CPU seconds (process.cpuUsage, every thread: collections included) per phase, medians of the runs. --digest: a digest of every sent row's number and upload line and every verdict, to show that two builds
// agree (its own garbage makes the timed phases collect more: time without it).
// --faults: one row in 50 gets a value the check refuses (or a borderline one it accepts), so verdicts are compared too.
// --against <dir>: alternates runs with the same bench in another tree (e.g. `git archive <commit> | tar -x -C <dir>`
// with node_modules linked), old against new in the same session.
// Usage: node --import tsx bench/migrate/prepare-cpu.ts [rows=1000000] [runs=3] [--faults] [--digest] [--against <dir>]
import { execFileSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { procfileProcess } from '../../src/cli/procfile.js';
import { CHUNK_ROWS } from '../../src/datasets/index.js';
import { ChunkEncoder, decodeChunk } from '../../src/datasets/chunk-store.js';
import { readDataset } from '../../src/datasets/readers/index.js';
import { parsePipeline } from '../../src/frame/index.js';
import { DescribeSObjectResult, Mapping, mappingTargets } from '../../src/mapping/index.js';
import { buildPreflight } from '../../src/migrations/preflight.js';
import { prepareChunk, uploadLines, type Prepared, type PrepareContext, type UploadLine } from '../../src/migrations/prepare.js';
import { headerOf, linesUnder } from '../../src/migrations/write-bulk.js';
import { csvFields } from '../../src/salesforce/csv.js';
import { describeGlobal, describeObject } from '../../src/salesforce-emulator/describe/describe-json.js';
import { loadSchema } from '../../src/salesforce-emulator/describe/schema.js';
import { COLUMNS, defaultPath, generate } from './generate.js';

const BATCH_ROWS = 25_000;
const API_VERSION = 'v60.0';

interface RunFigures { decode: number; prepare: number; lines: number; total: number; sent: number; decided: number; digest: string }

/** Values the check refuses or must let through, put in one row of 50 (a cell's own text replaced). */
const FAULTS: [column: string, value: string][] = [
  ['Name', ''], ['Name', 'x'.repeat(256)], ['AnnualRevenue', 'n/a'], ['AnnualRevenue', '1e30'], ['NumberOfEmployees', '123456789'],
  ['NumberOfEmployees', '12.5'], ['Phone', '9'.repeat(41)], ['Website', '#N/A'], ['AnnualRevenue', ' 42 '], ['NumberOfEmployees', '-0'],
  ['AnnualRevenue', '.5e3'], ['Name', '#N/A'], ['Name', 'say "hi", then go\nhome'], ['NumberOfEmployees', '+1.'],
];

function withFault(row: string[], n: number): { row: string[]; line: string } {
  const [column, value] = FAULTS[n % FAULTS.length];
  const faulty = [...row];
  faulty[COLUMNS.indexOf(column)] = value;
  return { row: faulty, line: csvFields(faulty) };
}

/** The file's rows as the parse job stores them: gzipped CSV chunks of CHUNK_ROWS rows (nothing timed here). */
async function encodedChunks(file: string, faults: boolean): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let rowsSeen = 0;
  for await (const batch of readDataset(() => createReadStream(file), { format: 'csv', batchSize: CHUNK_ROWS })) {
    const rows = batch.rows as string[][];
    const lines = [...(batch.raw?.lines ?? [])];
    if (faults) {
      rows.forEach((row, i) => {
        if ((rowsSeen + i) % 50 !== 7) return;
        ({ row: rows[i], line: lines[i] } = withFault(row, Math.floor((rowsSeen + i) / 50)));
      });
    }
    rowsSeen += rows.length;
    const encoder = new ChunkEncoder(batch.columns, 1024 * 1024, batch.raw?.delimiter);
    encoder.write(rows, lines);
    chunks.push(await encoder.end());
  }
  return chunks;
}

async function accountContext(): Promise<PrepareContext> {
  const schema = await loadSchema();
  const account = schema.get('Account');
  if (!account) throw new Error('the Local org has no Account');
  // As the worker gets them: describe and describeGlobal JSON over HTTP, parsed.
  const describe = DescribeSObjectResult.parse(JSON.parse(JSON.stringify(describeObject(schema, account, API_VERSION))));
  const keyPrefixes: Record<string, string> = {};
  for (const o of describeGlobal(schema, API_VERSION).sobjects as { name: string; keyPrefix: string | null }[]) {
    if (o.keyPrefix && !(o.keyPrefix in keyPrefixes)) keyPrefixes[o.keyPrefix] = o.name;
  }
  const mapping = Mapping.parse({ object: 'Account', fields: COLUMNS.map((c) => ({ column: c, field: c })) });
  const preflight = buildPreflight(describe, { operation: 'insert', object: 'Account' }, mapping, { keyPrefixes, parents: {} });
  return { pipeline: parsePipeline([]), pipelineContext: { now: new Date(0) }, mapping, preflight };
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function digestBatch(hash: Hash, prepared: Prepared<UploadLine[]>, lines: string[]): void {
  hash.update(prepared.rows.map((r) => r.row).join(','));
  for (const [row, outcome] of [...prepared.decided].sort((a, b) => a[0] - b[0])) hash.update(`${row}${JSON.stringify(outcome)}\n`);
  hash.update(lines.join('\n'));
}

/** One measured pass over every batch of the file, in this process. */
async function measure(file: string, faults: boolean, digest: boolean): Promise<RunFigures> {
  const chunks = await encodedChunks(file, faults);
  const ctx = await accountContext();
  const targets = mappingTargets(ctx.mapping);
  const hash = createHash('sha256');
  const figures: RunFigures = { decode: 0, prepare: 0, lines: 0, total: 0, sent: 0, decided: 0, digest: '' };
  for (let first = 0; first < chunks.length; first += BATCH_ROWS / CHUNK_ROWS) {
    const batch = { fromRow: first * CHUNK_ROWS + 1, toRow: (first * CHUNK_ROWS) + BATCH_ROWS };
    const decided: Prepared<UploadLine[]>['decided'] = new Map();
    const sink = uploadLines();
    for (let c = first; c < Math.min(first + BATCH_ROWS / CHUNK_ROWS, chunks.length); c++) {
      let at = cpuSeconds();
      const chunk = decodeChunk(chunks[c], c * CHUNK_ROWS + 1);
      figures.decode += cpuSeconds() - at;
      at = cpuSeconds();
      await prepareChunk(chunk, batch, ctx, decided, sink);
      figures.prepare += cpuSeconds() - at;
    }
    const prepared = { rows: sink.done(), decided };
    const at = cpuSeconds();
    const lines = linesUnder(headerOf(targets, prepared.rows), targets, prepared.rows);
    figures.lines += cpuSeconds() - at;
    figures.sent += prepared.rows.length;
    figures.decided += prepared.decided.size;
    if (digest) digestBatch(hash, prepared, lines);
  }
  figures.total = figures.decode + figures.prepare + figures.lines;
  figures.digest = digest ? hash.digest('hex').slice(0, 16) : '-';
  return figures;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The migration worker's heap flags, read from the Procfile's `worker:` line: its collections are the ones that count. */
const WORKER_HEAP = procfileProcess('worker').nodeArgs.filter((arg) => arg.startsWith('--max-'));

function runChild(tree: string, file: string, flags: string[]): RunFigures {
  const args = [...WORKER_HEAP, '--import', 'tsx', 'bench/migrate/prepare-cpu.ts', '--child', file, ...flags];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 20 })) as RunFigures;
}

function summary(name: string, runs: RunFigures[]): string {
  const at = (key: 'decode' | 'prepare' | 'lines' | 'total') => median(runs.map((r) => r[key])).toFixed(2);
  const digests = [...new Set(runs.map((r) => r.digest))].join(',');
  return `${name}: total ${at('total')} CPU-s (decode ${at('decode')}, prepare ${at('prepare')}, lines ${at('lines')}); `
    + `totals ${runs.map((r) => r.total.toFixed(2)).join(' / ')}; sent ${runs[0].sent}, decided ${runs[0].decided}; digest ${digests}`;
}

const args = process.argv.slice(2);
const faults = args.includes('--faults');
const digest = args.includes('--digest');
if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(await measure(args[1], faults, digest)));
} else {
  const [rows = 1_000_000, runs = 3] = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const againstAt = args.indexOf('--against');
  const against = againstAt >= 0 ? resolve(args[againstAt + 1]) : undefined;
  const file = resolve(defaultPath(rows));
  if (!existsSync(file)) await generate(rows, file);
  const trees = against ? [['against', against], ['this tree', process.cwd()]] : [['this tree', process.cwd()]];
  const results = new Map<string, RunFigures[]>(trees.map(([name]) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, tree] of trees) {
      const figures = runChild(tree, file, args.filter((a) => a === '--faults' || a === '--digest'));
      results.get(name)?.push(figures);
      console.log(`run ${run + 1} ${name}: ${figures.total.toFixed(2)} CPU-s (load ${loadavg()[0].toFixed(1)})`);
    }
  }
  console.log(`${rows} rows${faults ? ', faults in 1 row of 50' : ''}, medians of ${runs} runs`);
  for (const [name, figures] of results) console.log(summary(name, figures));
}
