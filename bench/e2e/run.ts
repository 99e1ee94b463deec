// End to end as users run it (issue 18): `npm start`, a CSV of N Accounts x 8 columns uploaded through the HTTP API,
// an insert migration into the Local org, from the upload's first byte to `completed` with every row's result stored;
// against `sf data import bulk --wait 30` of the same file into a fresh Local org, alternating, medians of `runs`.
// Peak RSS of every process of the `npm start` tree (ps every 250 ms). Writes bench/e2e/RESULTS.md (BENCH_RESULTS).
// Builds the project first as `npm start` does (into bench/out/e2e-dist); installs the sf CLI and a Node 22 into its cache on first use.
// Usage: node --import tsx bench/e2e/run.ts [rows=100000] [runs=3]   (--full: 1,000,000 rows, ~98 MB)
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SfCli } from '../../test/integration/sf-cli/sf-cli.js';
import { defaultPath, generate } from '../migrate/generate.js';
import { BUILT_DIR, dmsStartRun, type DmsStartRun } from './dms-start.js';
import { PHASES, type Phase } from './phases.js';
import { cpuByLabel, peakByLabel } from './process-tree.js';
import { sfImportRun, type SfImportRun } from './sf-import.js';

const args = process.argv.slice(2).filter((a) => a !== '--full');
const rows = process.argv.includes('--full') ? 1_000_000 : Number(args[0] ?? 100_000);
const runs = Number(args[1] ?? 3);

/** What the figures do not say by themselves: the same bench before this run's code, and the load it saw. */
const NOTES = `
Notes (2026-12-06):
- This table (14:41-15:00 UTC, load average 17-29 from other helpers' tests and benches): pipelining on, the run
  created as soon as the upload is answered and following the parse. DMS 113.6 / 115.7 / 100.3 s against sf 141.9 /
  56.3 / 40.5 s (the CLI's times swing most with the load). Upload to ready, measured in the same runs, is slower than
  before (25.6-34.8 s) because the parser now shares the two cores with the worker and the Local org writing.
- Pipelining alone, same hour (bench/e2e/follow-ab.ts, alternating, 15:03-15:18 UTC, load 22-25): on 109.3 / 98.8 s,
  off (run created once the dataset is ready) 121.1 / 105.0 s: **~8 % less** upload to completed (104.1 against
  113.1 s on average). Upload to ready was 26.2 / 30.8 s on, 25.7 / 22.1 s off. On an oversubscribed 2-core machine the
  processes already use every cycle they get, so overlapping reading and writing buys little; the gain should grow
  with idle cores.
- Where the CPU goes from upload to ready (bench/e2e/profile-upload.ts: \`dms start\` under \`node --cpu-prof\`, the
  102 MB file, no run, load 25-30; 24.5 s = 4.2 MB/s): the **parser** was busy 21.6 of its 25.4 s (CPU-bound): the
  column profile 8.1 CPU-s (ColumnAccumulator.add 6.4, HyperLogLog 1.4, copies of kept values 0.4), the CSV state
  machine 2.0, GC 1.3, zlib (blob parts gunzipped, chunks gzipped at level 1) 0.8, UTF-8 decoding 0.5, module loading
  at start ~2; the **web** 9.3 CPU-s, of which ~2.5 module loading, SHA-256 0.3, multipart search 0.3, writes 0.5; the
  worker 9.7 CPU-s (its start only: idle during the upload); the Local org 1.7. Gzip level, chunk sizes and bulk
  write sizes were tuned before (bench/parse/UPLOAD-RESULTS.md) and show little here; the column profile is the next
  cut (exact min, max and types over every value cost ~0.4-0.8 us a cell under this load). The 60 MB/s goal is not
  reached (3.4-4.2 MB/s inside \`npm start\` at load 17-30).
- Earlier the same day, before pipelining: at load 4-12, DMS 102.3 / 114.6 / 58.3 s against sf 55.1 / 31.5 / 29.1 s
  (median **3.25x**), upload to ready 17.1 s; in the loaded hour 12:00-12:31 (load 18-34) DMS 214.0 / 228.3 / 212.4 s
  against sf 137.4 / 205.3 / 79.5 s (1.56x). The one-process \`npm start\` before that (11:13-11:42, load 14-21): DMS
  206.6 s median against sf 139.3 s (1.48x), 1,505 MB in one process.
- The Local org stays over 512 MB (it keeps every record in memory: ~850-930 MB for 1,000,000 Accounts, as under the
  sf import): the issue's third goal (records on disk or columnar), not done here.
`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILT_DIR], { stdio: 'inherit' });
const file = defaultPath(rows);
if (!existsSync(file)) await generate(rows, file);
const sizeMb = statSync(file).size / 1e6;
const loadAtStart = load();
const sf = await SfCli.create();
const dms: DmsStartRun[] = [];
const baseline: SfImportRun[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const run = await dmsStartRun(file, rows);
    dms.push(run);
    const sfRun = await sfImportRun(sf, file, rows, `e2e${i}`);
    baseline.push(sfRun);
    const peaks = [...peakByLabel(run.processes)].map(([label, mb]) => `${label} ${Math.round(mb)}`).join(', ');
    for (const line of run.phases.lines()) console.log(`  ${line}`);
    console.log(`run ${i + 1}: DMS ${run.seconds.toFixed(2)} s (upload to ready ${run.uploadToReady.toFixed(2)} s; peak RSS MB ${peaks}); `
      + `sf ${sfRun.seconds.toFixed(2)} s (Local org ${Math.round(Math.max(...sfRun.processes.map((p) => p.peakMb)))} MB); load ${load()}`);
  }
} finally {
  await sf.close();
}

const d = median(dms.map((r) => r.seconds));
const s = median(baseline.map((r) => r.seconds));
const labels = [...new Set(dms.flatMap((r) => r.processes.map((p) => p.label)))];
const peakRows = labels.map((label) => {
  const peaks = dms.map((r) => peakByLabel(r.processes).get(label) ?? 0);
  return `| ${label} | ${fmt(median(peaks))} | ${fmt(Math.max(...peaks))} |`;
});
const highest = Math.max(...dms.flatMap((r) => r.processes.map((p) => p.peakMb)));
const cpuRows = labels.map((label) => {
  const seconds = (r: DmsStartRun, of: DmsStartRun['processes']) => cpuByLabel(of).get(label) ?? 0;
  const toReady = median(dms.map((r) => seconds(r, r.atReady)));
  const all = median(dms.map((r) => seconds(r, r.processes)));
  return `| ${label} | ${fmt(toReady, 1)} | ${fmt(all - toReady, 1)} | ${fmt(all, 1)} |`;
});
const totalCpu = (r: DmsStartRun) => [...cpuByLabel(r.processes).values()].reduce((a, b) => a + b, 0);
const sfCpu = (r: SfImportRun) => r.processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
const phaseRows = (Object.keys(PHASES) as Phase[]).flatMap((phase) => {
  const seen = dms.map((r) => r.phases.at[phase]).filter((t): t is number => t !== undefined);
  return seen.length === 0 ? [] : [`| ${PHASES[phase]} | ${fmt(median(seen), 1)} | ${dms.map((r) => r.phases.at[phase]?.toFixed(1) ?? '-').join(' / ')} |`];
});
const text = [
  '# End to end as users run it (bench/e2e)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with Node ${process.version} on the shared 2-core machine (other helpers'`,
  `work ran at the same time). Load average at the start / end: ${loadAtStart} / ${load()}. ${fmt(rows)} Accounts x 8 columns`,
  `(${fmt(sizeMb, 1)} MB CSV, bench/migrate/generate.ts); medians of ${runs} alternating runs.`,
  '',
  '- DMS: the built `dms start` (what `npm start` runs after its build; built into bench/out/e2e-dist) with a fresh data folder, free ports, its embedded',
  '  Redis, CouchDB-compatible server and Local org; the file POSTed to `/api/v1/datasets` as the upload form sends it; as',
  '  soon as the upload is answered, `POST /api/v1/migrations` (insert into Account on the Local org, the 8 columns',
  '  mapped) and `/start`: the run follows the parse (pipelining, on by default); timed from the first byte of the upload',
  '  to `completed` (polled every 100 ms), then the success results CSV is downloaded outside the timer and must hold',
  '  every row. "Upload to ready" is measured in the same runs, while the run already writes.',
  '- Baseline: `sf data import bulk --file X --sobject Account --wait 30` into a fresh Local org (the built',
  '  `dms emulator`, a fresh data folder), the whole command (CLI start included).',
  '',
  '| measure | median | ratio to sf |',
  '|---|---|---|',
  `| DMS \`npm start\`: upload to completed, s | ${fmt(d, 2)} | **${(d / s).toFixed(2)}x** |`,
  `| of which upload to dataset ready, s | ${fmt(median(dms.map((r) => r.uploadToReady)), 2)} (${fmt(sizeMb / median(dms.map((r) => r.uploadToReady)), 1)} MB/s) | |`,
  `| \`sf data import bulk --wait 30\`, s | ${fmt(s, 2)} | 1.00x |`,
  `| \`npm start\` until its banner (not timed above), s | ${fmt(median(dms.map((r) => r.startSeconds)), 2)} | |`,
  '',
  'Where the time goes: when each phase was first seen, seconds from the first byte of the upload (the run\'s status',
  'JSON polled every 100 ms):',
  '',
  '| phase | median, s | runs, s |',
  '|---|---|---|',
  ...phaseRows,
  '',
  'CPU seconds per process (from `/proc/<pid>/stat`, banner to dataset ready, ready to completed; medians of runs):',
  '',
  '| process | to ready | ready to completed | whole run |',
  '|---|---|---|---|',
  ...cpuRows,
  `| all of DMS (median of run totals) | | | ${fmt(median(dms.map(totalCpu)), 1)} |`,
  `| sf baseline: Local org + sf CLI (median) | | | ${fmt(median(baseline.map(sfCpu)), 1)} + ${fmt(median(baseline.map((r) => r.cliCpuSeconds)), 1)} |`,
  '',
  'Peak RSS per process of the `npm start` tree during a DMS run (MB, sampled every 250 ms):',
  '',
  '| process | median of runs | highest |',
  '|---|---|---|',
  ...peakRows,
  `| the Local org during the sf import | ${fmt(median(baseline.map((r) => Math.max(...r.processes.map((p) => p.peakMb)))))} | ${fmt(Math.max(...baseline.flatMap((r) => r.processes.map((p) => p.peakMb))))} |`,
  '',
  `Runs (DMS / sf, s): ${dms.map((r, i) => `${r.seconds.toFixed(2)} / ${baseline[i].seconds.toFixed(2)}`).join(', ')}.`,
  '',
  `Targets (issue 18): DMS <= 1.0x sf: **${d <= s ? 'met' : 'NOT met'}** (then <= 0.75x: **${d <= 0.75 * s ? 'met' : 'not yet'}**);`,
  `no process above 512 MB: **${highest <= 512 ? 'met' : `NOT met (${fmt(highest)} MB)`}**.`,
  '',
  NOTES.trim(),
  '',
  '## Reproduce',
  '',
  `\`node --import tsx bench/e2e/run.ts ${rows === 1_000_000 ? '--full' : rows} ${runs}\` (generates bench/out/migrate-accounts-<rows>.csv when`,
  'missing, builds the project into bench/out/e2e-dist, installs the sf CLI into its cache on first use; needs redis-server on PATH, as `npm start` does).',
  'Pipelining on against off: `node --import tsx bench/e2e/follow-ab.ts 1000000 2`. CPU profiles of upload to ready:',
  '`node --import tsx bench/e2e/profile-upload.ts 1000000` (profiles in bench/out/e2e-profiles).',
  '',
];
writeFileSync(process.env.BENCH_RESULTS ?? 'bench/e2e/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
