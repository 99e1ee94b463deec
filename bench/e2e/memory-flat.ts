// Is memory flat in the file's size (issue 18)? The same `npm start` run as bench/e2e/run.ts (upload, an insert
// migration into the Local org following the parse, every result stored), DMS only, with a ~100 MB file (1,000,000
// Accounts) and a ~500 MB one (5,000,000), alternating; peak RSS of every process of the tree (ps every 250 ms).
// Appends a dated section to bench/e2e/RESULTS.md (BENCH_RESULTS). Builds the project first, as run.ts does.
// Usage: node --import tsx bench/e2e/memory-flat.ts [smallRows=1000000] [largeRows=5000000] [runs=1]
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { defaultPath, generate } from '../migrate/generate.js';
import { BUILT_DIR, dmsStartRun, type DmsStartRun } from './dms-start.js';
import { cpuByLabel, peakByLabel } from './process-tree.js';
import { median } from './paired.js';

const smallRows = Number(process.argv[2] ?? 1_000_000);
const largeRows = Number(process.argv[3] ?? 5_000_000);
const runs = Number(process.argv[4] ?? 1);
const LIMIT_MB = 512;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILT_DIR], { stdio: 'inherit' });
const sizes = [smallRows, largeRows];
const files = new Map<number, { path: string; mb: number }>();
for (const rows of sizes) {
  const path = defaultPath(rows);
  if (!existsSync(path)) await generate(rows, path);
  files.set(rows, { path, mb: statSync(path).size / 1e6 });
}
const loadAtStart = load();
const started = new Date();
const done = new Map<number, DmsStartRun[]>(sizes.map((rows) => [rows, []]));
for (let i = 0; i < runs; i++) {
  for (const rows of sizes) {
    const run = await dmsStartRun(files.get(rows)!.path, rows);
    done.get(rows)!.push(run);
    const peaks = [...peakByLabel(run.processes)].map(([label, mb]) => `${label} ${Math.round(mb)}`).join(', ');
    console.log(`${fmt(rows)} rows, run ${i + 1}: ${run.seconds.toFixed(1)} s; peak RSS MB ${peaks}; load ${load()}`);
  }
}

const [small, large] = sizes.map((rows) => done.get(rows)!);
const labels = [...new Set([...small, ...large].flatMap((r) => r.processes.map((p) => p.label)))];
const peakOf = (list: DmsStartRun[], label: string) => median(list.map((r) => peakByLabel(r.processes).get(label) ?? 0));
const cpuOf = (list: DmsStartRun[], label: string) => median(list.map((r) => cpuByLabel(r.processes).get(label) ?? 0));
const highest = Math.max(...large.flatMap((r) => r.processes.map((p) => p.peakMb)));
const mb = (rows: number) => fmt(files.get(rows)!.mb, 1);
const section = [
  '',
  `## Memory against the file's size: ${mb(smallRows)} MB and ${mb(largeRows)} MB (${started.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `DMS only (the built \`dms start\`, as above: upload, insert migration into the Local org following the parse, every result`,
  `stored), ${fmt(smallRows)} and ${fmt(largeRows)} Accounts x 8 columns, alternating, ${runs} run(s) each; medians. Load average at`,
  `the start / end: ${loadAtStart} / ${load()}. Peak RSS sampled every 250 ms; CPU seconds from /proc over the whole run.`,
  '',
  `| process | peak RSS, ${mb(smallRows)} MB file | peak RSS, ${mb(largeRows)} MB file | ratio | CPU-s, ${mb(smallRows)} MB | CPU-s, ${mb(largeRows)} MB |`,
  '|---|---|---|---|---|---|',
  ...labels.map((label) => {
    const [a, b] = [peakOf(small, label), peakOf(large, label)];
    return `| ${label} | ${fmt(a)} | ${fmt(b)} | ${fmt(b / a, 2)} | ${fmt(cpuOf(small, label), 1)} | ${fmt(cpuOf(large, label), 1)} |`;
  }),
  `| upload to completed, s | ${fmt(median(small.map((r) => r.seconds)), 1)} | ${fmt(median(large.map((r) => r.seconds)), 1)} | `
    + `${fmt(median(large.map((r) => r.seconds)) / median(small.map((r) => r.seconds)), 2)} | | |`,
  '',
  `No process above ${LIMIT_MB} MB with the ${mb(largeRows)} MB file: **${highest <= LIMIT_MB ? 'met' : `NOT met (${fmt(highest)} MB)`}**.`,
  '',
  `Reproduce: \`flock /tmp/dms-bench.lock node --import tsx bench/e2e/memory-flat.ts ${smallRows} ${largeRows} ${runs}\`.`,
  '',
];
appendFileSync(process.env.BENCH_RESULTS ?? 'bench/e2e/RESULTS.md', section.join('\n'));
console.log(section.join('\n'));
