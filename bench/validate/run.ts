// Usage: node --import tsx bench/validate/run.ts [rows=1000000] [runs=3]
// Each pass runs in a fresh process (peak RSS is its own); medians and ratios go to RESULTS.md.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFigures } from '../frame/results-file.js';
import { generate } from '../frame/generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const csv = await generate(rows);

function pass(mode: string): Record<string, unknown> & { ms: number; peakRssMb: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(here, 'run-one.ts'), mode, csv], {
    encoding: 'utf8', cwd: resolve(here, '../..'), maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

const modes = ['copy', 'validate', 'validate-redis'];
const results = Object.fromEntries(modes.map((m) => [m, Array.from({ length: runs }, (_, i) => {
  const r = pass(m);
  console.error(m, i + 1, r.ms.toFixed(0), 'ms');
  return r;
})]));
const previews = Array.from({ length: runs }, () => pass('preview') as unknown as { first: number; timings: number[]; peakRssMb: number });

const base = median(results.copy.map((r) => r.ms));
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const v = results.validate[0];
const lines = [
  `Rows: ${rows.toLocaleString('en-US')} (bench/frame generator, 8 columns), chunks of 5,000, ${runs} runs each (fresh process), medians; Node ${process.version}.`,
  '',
  '| pass | median s | x baseline | peak RSS MB | target |',
  '|---|---:|---:|---:|---|',
  `| baseline: stream CSV + build frames (copy only) | ${sec(base)} | 1.0 | ${median(results.copy.map((r) => r.peakRssMb)).toFixed(0)} | |`,
  ...['validate', 'validate-redis'].map((m) => {
    const ms = median(results[m].map((r) => r.ms));
    const label = m === 'validate' ? '6 steps + validation (seen keys in memory)' : '6 steps + validation (seen keys in Redis)';
    return `| ${label} | ${sec(ms)} | ${(ms / base).toFixed(1)} | ${median(results[m].map((r) => r.peakRssMb)).toFixed(0)} | <= 20 s: ${ms <= 20_000 ? 'met' : 'NOT met'} |`;
  }),
  '',
  `Verdicts (same each run): ${v.valid} valid, ${v.invalid} invalid, ${v.skipped} skipped; ${JSON.stringify(v.byStatusCode)}.`,
  '',
  '| preview of 100 rows after an edit (pipeline + derive + validation) | median ms | target |',
  '|---|---:|---|',
  `| warm (median of 20 edits per run, median over runs) | ${median(previews.map((p) => median(p.timings))).toFixed(1)} | <= 200 ms: ${median(previews.map((p) => median(p.timings))) <= 200 ? 'met' : 'NOT met'} |`,
  `| first preview in a fresh process (cold) | ${median(previews.map((p) => p.first)).toFixed(1)} | |`,
];
writeFigures(resolve(here, 'RESULTS.md'), lines.join('\n'));
console.log(lines.join('\n'));
