// From upload to a ready dataset: POST a CSV to the built web process (`node dist/src/server.js`); the built
// parser process (the Procfile's `parser:` worker, which drains the datasets queue) parses it into CouchDB chunks; both against Redis and a pouchdb-server
// on disk. Measures MB/s from the first byte sent to status ready, and the idle and peak RSS of every process.
// In the same run: the ceiling (udsv, the fastest plain CSV parser, over the same local file) and DMS's reader +
// profiler alone (bench/parse/measure.ts), then one run over a 5x file to check that memory stays flat.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379). Builds dist/ first (npm run build).
// Usage: node --import tsx bench/parse/upload-bench.ts [rows=1000000] [runs=3] [largeRuns=1]
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { generateCsv } from './generate.js';
import { postDataset } from '../support/upload.js';
import { freePort } from '../../src/embedded/index.js';
import { cpuSeconds, rssMb } from '../migrate/processes.js';
import { startBenchCouch, startProcfileProcess, stopAll, type Proc } from './processes.js';

interface Run { sizeMb: number; seconds: number; uploadSeconds: number; mbPerSecond: number; idle: number[]; peak: number[]; cpu: number[]; load: number }
// BENCH_CLOUDANT_LIMITS=1 puts the Cloudant-limits front (its own process, as `npm start` would run it) before pouchdb-server.
const WITH_LIMITS = process.env.BENCH_CLOUDANT_LIMITS === '1';
const NAMES = ['web', 'parser', 'pouchdb-server', ...(WITH_LIMITS ? ['cloudant-limits'] : [])];
const NOTES = `
Notes (2026-12-04, second session):
- This run came in a slow hour (udsv 140-160 MB/s, DMS reader + profiler 66-71, against ~170 and ~78 in a quiet one).
- CSV chunks keep the file's own text: the parser hands each row's text over with its fields and a chunk stores
  those lines, read back through the same parser. No chunk JSON: the parser's CPU per 100 MB fell by ~0.35 s
  (2.4-2.7 s against 2.8-3.2 s in the same hour), 32.4 / 34.9 / 31.9 MB/s against 30.0 / 31.1 / 28.4.
- Parsing runs in its own process now: the Procfile's \`parser:\` (WORKER_QUEUES=datasets) drains the datasets queue
  without the worker's \`--max-old-space-size=400\` (kept for migrations, bench/migrate). A parse allocates millions of
  short-lived strings; V8 sizes its young generation from the cap, and a cap costs even with the semi-spaces set
  (below): with it the parse used ~1-1.5 CPU seconds more per 100 MB (same machine, same day: 17-19 MB/s capped against 21-27 uncapped). Uncapped the parser
  measured 28.2 / 30.7 / 30.2 MB/s (3.0-3.2 CPU seconds); with \`--max-semi-space-size=32\` added (fewer scavenges,
  GC ~320 -> ~190 ms in a profile) 31.3-33.6 MB/s at 2.7-2.9 s, peak ~240 MB; 64 MB semi-spaces were no better.
  An old-space cap on top of the 32 MB semi-spaces still costs: 192 MB -> 26-27 MB/s (parser 3.8 CPU seconds),
  400 MB -> 28-28.6 MB/s (3.4-3.6 s), with peaks no lower (235-244 MB; 5x file 244-246 MB). So the parser has none.
- The chunk encoder writes its UTF-8 into one growing buffer per chunk (no buffer per piece, no concatenation):
  ~0.1-0.2 CPU seconds less (before CSV chunks; JSON chunks of other formats still go this way).
- Where the parser's CPU goes now (CPU profile, BENCH_PROFILE=1, per 100 MB): CSV reader ~0.6 s (now also cutting
  each row's text), profiler ~0.85 s (HyperLogLog hashing ~0.3 s, slower on the reader's sliced strings), GC ~0.2 s,
  gzip of chunks and gunzip of parts in the thread pool (on 2 cores their threads preempt the main thread, so
  profiles show this under zlib's processChunk). Before CSV chunks, chunk JSON took another ~0.45 s and its UTF-8
  ~0.2 s. With the profiler switched off (an experiment, not a mode; before CSV chunks) the bench measured 36.5
  MB/s. Moving the profiler to a worker thread was costed and rejected: the rows would have to cross threads, and
  JSON.parse (~1 s) or a structured clone (~0.6 s each side) costs more than the profiler itself.
- Before CSV chunks, a chunk form with fields joined by control characters was costed (~0.13 s less) and left: it
  needed a fallback for values holding the separators. Storing each row's own text needs no separator at all.
- Also tried and dropped (before CSV chunks; 3 runs each against a baseline of ~31-32 MB/s the same hour):
  chunk JSON sent to a compression thread by postMessage (parser +0.4 CPU seconds, 28-29 MB/s); blob parts in
  Brotli quality 1 instead of gzip level 1 (1.4x faster and 7 % smaller in a micro-benchmark, no gain end to end:
  29-31 MB/s); UV_THREADPOOL_SIZE 1 or 2 for the parser (no change).
- The embedded pouchdb-server measures a database's disk_size at most once a second: its authentication middleware
  asked \`_users\` for its info on every request, and each info walked the folder (lstat per file, ~0.15 s per 100 MB).
- Earlier (first session, 2026-12-04, worker capped at 400 MB): raw part PUTs, id-range deletes, random revision ids
  and a 96 MB heap for the embedded pouchdb-server, no row copy in the CSV reader, a plain-loop date check, a
  profiler without Number() calls, eight chunks per \`_bulk_docs\`: 11.8 -> 19.3 MB/s capped (26.9 uncapped).
- Tried and dropped: raw parts stored uncompressed (16.7 MB/s: pouchdb-server 4.8 CPU seconds); LevelDB write buffer
  of 16 MB; pouchdb-server heap limit 192 MB instead of 96; 1 MB or 8 MB parts; more writes in flight; column-major
  chunk JSON; column-major profiling (~20 % slower: rows are read across); HyperLogLog hashing two characters at a
  time; a split-based CSV fast path.
- Before the follow-the-upload parse, compressed blob parts, bulk chunk writes and the profiler work, the
  same bench measured 11.8 MB/s with 320 / 327 / 337 MB peak RSS (processes under tsx).
`;
const LIMITS_NOTES = `
Notes (2026-12-06): the cost of the Cloudant-limits front (src/embedded/cloudant-limits-proxy.ts), run as a process
of its own before pouchdb-server (\`BENCH_CLOUDANT_LIMITS=1\`), the way \`npm start\` would have to run it.
- Same hour, same file, without the front (3 runs just before, load 4-7): 21.1 MB/s, CPU seconds web / parser /
  pouchdb-server 1.5 / 3.1 / 2.8 (7.5 in all). The table above is with it. The machine was shared and loaded (udsv
  58-81 MB/s against ~170 in a quiet hour): compare the CPU seconds more than the speeds.
- The front relays every request: blob parts both ways, each \`_bulk_docs\` of chunks (parsed as JSON when over
  1 MB, to size each document), progress writes. Its own CPU and memory are what it adds.
- So \`npm start\` does not put it before its embedded pouchdb-server: there web, worker and parser share one process
  on two cores, and the front's CPU would come straight off upload speed. The tests run through it
  (scripts/run-tests.mjs), where its cost does not matter and what Cloudant refuses must fail.
`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function oneRun(file: string): Promise<Run> {
  const { id, couch, couchDir, auth, env } = await startBenchCouch('upload');
  const limits = WITH_LIMITS ? await startLimitsProcess(String(env.COUCHDB_URL)) : undefined;
  if (limits) env.COUCHDB_URL = limits.url;
  const procs: Proc[] = [couch, ...(limits ? [limits] : [])];
  let uploadSeconds = 0;
  try {
    const web = await startProcfileProcess('web', env, 'web listening');
    procs.unshift(web);
    procs.splice(1, 0, await startProcfileProcess('parser', env, 'worker ready'));
    await sleep(1500);
    const idle = procs.map((p) => rssMb(p.pid).now);
    const load = loadavg()[0];
    const cpuBefore = procs.map((p) => cpuSeconds(p.pid));
    const port = Number(new URL(String(web.line.url)).port);
    // The parser publishes ready/failed on Redis: following that costs the measured processes nothing
    // (polling the API would check a password per request, polling CouchDB would load pouchdb-server).
    const finals = new Map<string, { at: number; status: string; error?: unknown }>();
    const subscriber = new Redis(env.REDIS_URL);
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const event = JSON.parse(message) as { status: string; error?: unknown };
      if (event.status === 'ready' || event.status === 'failed') finals.set(channel.split(':')[2], { at: performance.now(), ...event });
    });
    await subscriber.psubscribe('dms:datasets:*:progress');
    const started = performance.now();
    let final;
    try {
      const body = await postDataset(port, auth, file, `bench${id}`);
      uploadSeconds = (performance.now() - started) / 1000;
      const datasetId = (JSON.parse(body) as { id: string }).id;
      while (!(final = finals.get(datasetId))) await sleep(20);
    } finally {
      subscriber.disconnect();
    }
    if (final.status === 'failed') throw new Error(`parse failed: ${JSON.stringify(final.error)}`);
    const seconds = (final.at - started) / 1000;
    const sizeMb = statSync(file).size / 1e6;
    return { sizeMb, seconds, uploadSeconds, mbPerSecond: sizeMb / seconds, idle, peak: procs.map((p) => rssMb(p.pid).peak), cpu: procs.map((p, i) => cpuSeconds(p.pid) - cpuBefore[i]), load };
  } finally {
    await stopAll(procs);
    rmSync(couchDir, { recursive: true, force: true });
  }
}

/** The built Cloudant-limits front in front of `target`, as a process of its own. */
async function startLimitsProcess(target: string): Promise<Proc & { url: string }> {
  const args = ['dist/src/embedded/cloudant-limits-main.js', target, String(await freePort())];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(proc.stdout, 'data')) as [Buffer];
  const { url } = JSON.parse(line.toString()) as { url: string };
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  };
  return { name: 'cloudant-limits', pid: proc.pid, url, stop };
}

const measure = (mode: string, file: string): { mbPerSecond: number; peakRssMb: number } =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/parse/measure.ts', mode, file], { encoding: 'utf8' }));

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 3);
  const largeRuns = Number(process.argv[4] ?? 1);
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const file = `bench/out/parse-${rows}.csv`;
  const large = `bench/out/parse-${rows * 5}.csv`;
  if (!existsSync(file)) await generateCsv(rows, file);
  const results: Run[] = [];
  const ceiling: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs; run++) {
    ceiling.push(measure('udsv', file).mbPerSecond);
    baseline.push(measure('dms', file).mbPerSecond);
    results.push(await oneRun(file));
    console.error(`run ${run + 1}: ${JSON.stringify(results.at(-1))} udsv ${ceiling.at(-1)?.toFixed(1)} dms ${baseline.at(-1)?.toFixed(1)}`);
  }
  const largeResults: Run[] = [];
  if (largeRuns > 0) {
    if (!existsSync(large)) await generateCsv(rows * 5, large);
    for (let run = 0; run < largeRuns; run++) {
      largeResults.push(await oneRun(large));
      console.error(`large run ${run + 1}: ${JSON.stringify(largeResults.at(-1))}`);
    }
    rmSync(large);
  }
  writeReport({ rows, runs, largeRuns, results, largeResults, ceiling: median(ceiling), baseline: median(baseline) });
  process.exit(0);
}

function writeReport(r: { rows: number; runs: number; largeRuns: number; results: Run[]; largeResults: Run[]; ceiling: number; baseline: number }): void {
  const m = (list: Run[], pick: (run: Run) => number) => median(list.map(pick));
  const speed = m(r.results, (x) => x.mbPerSecond);
  const procs = (list: Run[], key: 'idle' | 'peak' | 'cpu', digits = 0) => NAMES.map((_, i) => m(list, (x) => x[key][i]).toFixed(digits)).join(' / ');
  const peakSmall = Math.max(...NAMES.map((_, i) => m(r.results, (x) => x.peak[i])));
  const peakLarge = r.largeResults.length ? Math.max(...NAMES.map((_, i) => m(r.largeResults, (x) => x.peak[i]))) : NaN;
  const cpu = NAMES.reduce((sum, _, i) => sum + m(r.results, (x) => x.cpu[i]), 0);
  const sizeMb = m(r.results, (x) => x.sizeMb);
  const loads = [...r.results, ...r.largeResults].map((x) => x.load.toFixed(1)).join(', ');
  const large = r.largeResults.length
    ? `| ${m(r.largeResults, (x) => x.sizeMb).toFixed(0)} MB file (${r.largeRuns} run): first byte to ready (s) / MB/s | ${m(r.largeResults, (x) => x.seconds).toFixed(2)} / ${m(r.largeResults, (x) => x.mbPerSecond).toFixed(1)} |
| ${m(r.largeResults, (x) => x.sizeMb).toFixed(0)} MB file: peak RSS ${NAMES.join(' / ')} (MB) | ${procs(r.largeResults, 'peak')} |`
    : '';
  const report = `# From upload to a ready dataset (bench/parse/upload-bench.ts)

Generated by \`node --import tsx bench/parse/upload-bench.ts ${r.rows} ${r.runs} ${r.largeRuns}\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version},
shared 2-core machine, medians of ${r.runs} runs; 1-minute load average at the start of each run: ${loads}). A
${m(r.results, (x) => x.sizeMb).toFixed(0)} MB CSV (${r.rows.toLocaleString('en')} rows x 8 columns, bench/parse/generate.ts) is POSTed as multipart to the
built web process; the built parser process (Procfile \`parser:\`: no heap cap, 32 MB semi-spaces) parses it; both use Redis and a pouchdb-server on local disk (the embedded
default of \`npm start\`), each a separate process. Time runs from the first byte sent to status ready.

| measure | value |
|---|---|
| upload, first byte to 202 (s) | ${m(r.results, (x) => x.uploadSeconds).toFixed(2)} |
| first byte to ready (s) | ${m(r.results, (x) => x.seconds).toFixed(2)} |
| **end to end MB/s** | **${speed.toFixed(1)}** |
| ceiling: udsv over the local file, same run (MB/s) | ${r.ceiling.toFixed(1)} |
| DMS reader + profiler over the local file, same run (MB/s) | ${r.baseline.toFixed(1)} |
| end to end / ceiling; end to end / reader + profiler | ${(speed / r.ceiling).toFixed(2)}x; ${(speed / r.baseline).toFixed(2)}x |
| CPU seconds used, ${NAMES.join(' / ')} | ${procs(r.results, 'cpu', 1)} |
| idle RSS before the upload, ${NAMES.join(' / ')} (MB) | ${procs(r.results, 'idle')} |
| peak RSS ${NAMES.join(' / ')} (MB) | ${procs(r.results, 'peak')} |
${large}

- Target >= 30 MB/s end to end: **${speed >= 30 ? 'met' : 'NOT met'}** (${speed.toFixed(1)} MB/s). The ${NAMES.length} processes used ${cpu.toFixed(1)} CPU
  seconds in all; on an idle 2-core machine the best case is ${(sizeMb / (cpu / 2)).toFixed(1)} MB/s (total CPU / 2 cores, an upper bound, not a measurement).
- Peak RSS of any process <= 300 MB: **${Math.max(peakSmall, peakLarge || 0) <= 300 ? 'met' : 'NOT met'}** (${peakSmall.toFixed(0)} MB${r.largeResults.length ? `; ${peakLarge.toFixed(0)} MB with the 5x file` : ''}).
${r.largeResults.length ? `- Flat between the two sizes: largest peak 5x file / 1x file = **${(peakLarge / peakSmall).toFixed(2)}x**.\n` : ''}${WITH_LIMITS ? LIMITS_NOTES : NOTES}`;
  writeFileSync(WITH_LIMITS ? 'bench/parse/CLOUDANT-LIMITS-RESULTS.md' : 'bench/parse/UPLOAD-RESULTS.md', report);
  console.log(report);
}

await main();
