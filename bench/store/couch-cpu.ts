// The embedded CouchDB-compatible server's CPU per request (issue 18). Starts pouchdb-server exactly as `dms start`
// does (startEmbeddedCouch, on disk), makes DMS's databases through the store (src/store), then replays the request mix
// of one end-to-end run (1M-row upload and migration) through nano and the store's attachment calls, and reads the
// server's CPU seconds from /proc/<pid>/stat around the mix. Old (`baselineRef`'s src/embedded) and new (this tree's)
// alternate `rounds` times, each on a fresh data folder; medians.
// BENCH_COUCH_PROFILE=<dir>: the server also writes a V8 CPU profile there (written when it is stopped).
// Usage: flock /tmp/dms-bench.lock node --import tsx bench/store/couch-cpu.ts [rounds=3] [baselineRef=main] [scale=1]
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSeconds } from '../migrate/processes.js';
import { runDocumentReads, runRequestMix } from './request-mix.js';
import { writeResults } from '../support/results-file.js';

const rounds = Number(process.argv[2] ?? 3);
const baselineRef = process.argv[3] ?? 'main';
const scale = Number(process.argv[4] ?? 1);
const profileDir = process.env.BENCH_COUCH_PROFILE;
/** Small requests measured apart from the mix, one at a time. */
const DOCUMENT_READS = 1000;

type StartCouch = (dataDir: string) => Promise<{ url: string; pid?: number; stop(): Promise<void> }>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** `baselineRef`'s src in a temporary folder (with this tree's node_modules), so both servers start from one process. */
function extractBaseline(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dms-couch-baseline-'));
  execSync(`git archive ${baselineRef} src package.json tsconfig.json | tar -x -C ${dir}`);
  symlinkSync(realpathSync('node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** For a profile, the server loads cpu-profile-hook.mjs (NODE_OPTIONS reaches the child; --cpu-prof may not). */
function profileEnvironment(label: string): Record<string, string | undefined> {
  if (!profileDir) return {};
  const hook = new URL('./cpu-profile-hook.mjs', import.meta.url).href;
  return { NODE_OPTIONS: `--import=${hook}`, BENCH_CPU_PROFILE_DIR: resolve(profileDir, label) };
}

/** Starts the server with `extra` in its environment (it inherits this process's), then restores ours. */
async function startWith(start: StartCouch, dataDir: string, extra: Record<string, string | undefined>) {
  const saved = Object.fromEntries(Object.keys(extra).map((key) => [key, process.env[key]]));
  Object.assign(process.env, extra);
  try {
    return await start(dataDir);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function measure(label: string, start: StartCouch): Promise<{ cpu: number; requests: number; reads: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), `dms-couch-cpu-${label}-`));
  const couch = await startWith(start, dataDir, profileEnvironment(label));
  try {
    const pid = couch.pid!;
    const mix = await runRequestMix(couch.url, scale, () => cpuSeconds(pid));
    const reads = await runDocumentReads(couch.url, DOCUMENT_READS, () => cpuSeconds(pid));
    return { cpu: mix.cpuSeconds, requests: mix.requests, reads };
  } finally {
    await couch.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const baselineDir = extractBaseline();
const old = (await import(join(baselineDir, 'src/embedded/index.ts'))) as { startEmbeddedCouch: StartCouch };
const current = (await import('../../src/embedded/index.js')) as { startEmbeddedCouch: StartCouch };
const commit = execSync('git rev-parse --short HEAD').toString().trim();
const oldCommit = execSync(`git rev-parse --short ${baselineRef}`).toString().trim();
const cpu: Record<'old' | 'new', number[]> = { old: [], new: [] };
const reads: Record<'old' | 'new', number[]> = { old: [], new: [] };
let requests = 0;
const loads = [loadAverage()];
for (let round = 0; round < rounds; round++) {
  for (const [label, start] of [['old', old.startEmbeddedCouch], ['new', current.startEmbeddedCouch]] as const) {
    const run = await measure(label, start);
    cpu[label].push(run.cpu);
    reads[label].push(run.reads);
    requests = run.requests;
    const each = ((run.cpu / run.requests) * 1000).toFixed(2);
    const readsLine = `${DOCUMENT_READS} document GETs ${run.reads.toFixed(2)} s`;
    console.log(`round ${round + 1} ${label}: ${run.cpu.toFixed(2)} CPU-s for ${run.requests} requests (${each} ms each); ${readsLine}`);
  }
  loads.push(loadAverage());
}
rmSync(baselineDir, { recursive: true, force: true });
const [oldCpu, newCpu] = [median(cpu.old), median(cpu.new)];
const [oldReads, newReads] = [median(reads.old), median(reads.new)];
const perRead = (s: number) => `${((s / DOCUMENT_READS) * 1000).toFixed(2)} ms`;
const lines = [
  `## ${new Date().toISOString().slice(0, 16)} UTC: ${oldCommit} (old) against ${commit} (new), ${rounds} rounds alternating, scale ${scale}`,
  '',
  `- pouchdb-server CPU-s for the mix (${requests} requests): old ${cpu.old.map((s) => s.toFixed(2)).join(' / ')}, ` +
    `new ${cpu.new.map((s) => s.toFixed(2)).join(' / ')}`,
  `- medians: old **${oldCpu.toFixed(2)} s** (${((oldCpu / requests) * 1000).toFixed(2)} ms a request), ` +
    `new **${newCpu.toFixed(2)} s** (${((newCpu / requests) * 1000).toFixed(2)} ms a request): **${(newCpu / oldCpu).toFixed(2)}x**`,
  `- ${DOCUMENT_READS} document GETs one at a time after the mix: old ${reads.old.map((s) => s.toFixed(2)).join(' / ')}, ` +
    `new ${reads.new.map((s) => s.toFixed(2)).join(' / ')}; medians old **${perRead(oldReads)}**, new **${perRead(newReads)}** ` +
    `a GET: **${(newReads / oldReads).toFixed(2)}x**`,
  `- load average (1/5/15 min) before and after each round: ${loads.join(' | ')}`,
  '',
];
console.log(lines.join('\n'));
const header = [
  '# The embedded CouchDB-compatible server: CPU per request',
  '',
  "pouchdb-server started as `dms start` starts it (startEmbeddedCouch, on disk); DMS's databases and indexes made",
  "through the store, then one end-to-end run's request mix (bench/store/request-mix.ts) through nano and the store's",
  'attachment calls; CPU seconds of the server process from /proc/<pid>/stat. Old and new alternate, medians.',
  'The mix at scale 1: 49 PUTs and 53 GETs of 2 MB blob pieces, 32 `_bulk_docs` of 8 chunk documents (96 KB',
  'attachment each), 460 chunk attachment GETs, 250 user document GETs, 221 migration document saves, 111 batch',
  'document GETs, 92 `_all_docs` by keys, 58 dataset document GETs, 40 attachment PUTs and 55 GETs, 25 `_find`, and',
  '`ensureSchema` twice (the databases\' 15 indexes each time); then 1,000 document GETs one at a time, apart.',
  '',
  '## Reproduce',
  '',
  '```sh',
  'flock /tmp/dms-bench.lock node --import tsx bench/store/couch-cpu.ts [rounds=3] [baselineRef=main] [scale=1]',
  '```',
  '',
];
writeResults('bench/store/RESULTS.md', [...header, ...lines].join('\n'));
