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
import { peakByLabel } from './process-tree.js';
import { sfImportRun, type SfImportRun } from './sf-import.js';

const args = process.argv.slice(2).filter((a) => a !== '--full');
const rows = process.argv.includes('--full') ? 1_000_000 : Number(args[0] ?? 100_000);
const runs = Number(args[1] ?? 3);

/** What the figures do not say by themselves: the same bench before this run's code, and the load it saw. */
const NOTES = `
Notes (2026-12-06):
- The machine was shared with six other helpers' builds, tests and benchmarks while this was measured: load average
  15-34 on 2 cores (the issue's figures, 42.0 s DMS against 15.9 s sf, were taken in a quiet hour). Both sides slow
  down; compare the ratio and the memory more than the seconds.
- Before (\`npm start\` as one process holding web, worker, parser and the Local org; same bench, same file, 11:13-11:42
  UTC, load 14-21): DMS 154.1 / 206.6 / 263.7 s against sf 159.7 / 131.1 / 139.3 s, median **206.6 s against 139.3 s
  (1.48x)**; upload to ready 26.0 s (3.9 MB/s); the one \`npm start\` process peaked at **1,505 MB** (1,479-1,514),
  pouchdb-server 170 MB, redis-server 14 MB; the Local org alone during the sf import 904 MB.
- After (\`npm start\` runs the Procfile's web, worker and parser and the Local org as child processes), first in the
  same loaded hour (12:00-12:31 UTC, load 18-34): DMS 214.0 / 228.3 / 212.4 s against sf 137.4 / 205.3 / 79.5 s, median
  **214.0 s against 137.4 s (1.56x)**; upload to ready 47.2 s; peak RSS supervisor 76, web 213, worker 292, parser
  236, Local org 823, pouchdb-server 162, redis-server 14 MB. On an oversubscribed machine more processes do not buy
  time; what they buy is memory: no DMS process above 300 MB where the one process held 1.5 GB.
- The table above is the run after that (12:35-12:48 UTC), when the load fell to 4-12: DMS 102.3 / 114.6 / 58.3 s
  against sf 55.1 / 31.5 / 29.1 s. The sf CLI gains more from a quieter machine than DMS's seven processes do. The Local org stays over 512 MB
  (it keeps every record in memory: ~800-900 MB for 1,000,000 Accounts, as under the sf import): the issue's third
  goal (records on disk or columnar), not done here.
- Not done yet: pipelining (a run starting on a dataset still being parsed) and the CPU profile of upload to ready.
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
const text = [
  '# End to end as users run it (bench/e2e)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with Node ${process.version} on the shared 2-core machine (other helpers'`,
  `work ran at the same time). Load average at the start / end: ${loadAtStart} / ${load()}. ${fmt(rows)} Accounts x 8 columns`,
  `(${fmt(sizeMb, 1)} MB CSV, bench/migrate/generate.ts); medians of ${runs} alternating runs.`,
  '',
  '- DMS: the built `dms start` (what `npm start` runs after its build; built into bench/out/e2e-dist) with a fresh data folder, free ports, its embedded',
  '  Redis, CouchDB-compatible server and Local org; the file POSTed to `/api/v1/datasets` as the upload form sends it; when',
  '  the dataset is ready, `POST /api/v1/migrations` (insert into Account on the Local org, the 8 columns mapped) and',
  '  `/start`; timed from the first byte of the upload to `completed` (polled every 100 ms), then the success results',
  '  CSV is downloaded outside the timer and must hold every row.',
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
  '',
];
writeFileSync(process.env.BENCH_RESULTS ?? 'bench/e2e/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
