// Usage: node --import tsx bench/frame/run.ts [rows=1000000] [runs=3] [engines=all]
// Each run is a fresh process (so peak RSS is the engine's own); medians go to RESULTS.md.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFigures } from './results-file.js';
import { generate } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const engines = (process.argv[4] ?? 'nodejs-polars,polars-chunked,dms-plain-js,arquero,pandas-js').split(',');
const STEPS = ['load', 'filter', 'rename', 'derive', 'dedupe', 'group-by count', 'write'];

interface Run { steps: Record<string, number>; total: number; rows: number; groups: number; peakRssMb: number }
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const csv = await generate(rows);
const results: Record<string, Run[]> = {};
for (const engine of engines) {
  results[engine] = [];
  for (let i = 0; i < runs; i++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', resolve(here, 'run-one.ts'), engine, csv], {
      encoding: 'utf8', maxBuffer: 1 << 20, cwd: resolve(here, '../..'),
    });
    results[engine].push(JSON.parse(output.trim().split('\n').pop() as string) as Run);
    console.error(engine, i + 1, results[engine][i].total.toFixed(0), 'ms');
  }
}

const totals = Object.fromEntries(engines.map((e) => [e, median(results[e].map((r) => r.total))]));
const fastest = Math.min(...Object.values(totals));
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const lines = [
  `Rows: ${rows.toLocaleString('en-US')} x 8 columns, ${runs} runs per engine (fresh process each), medians; Node ${process.version}.`,
  '',
  `| engine | ${STEPS.join(' | ')} | total s | x fastest | peak RSS MB | rows kept | groups |`,
  `|---|${STEPS.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ...engines.map((e) => {
    const rs = results[e];
    const steps = STEPS.map((s) => sec(median(rs.map((r) => r.steps[s] ?? 0))));
    return `| ${e} | ${steps.join(' | ')} | ${sec(totals[e])} | ${(totals[e] / fastest).toFixed(1)} | ${median(rs.map((r) => r.peakRssMb)).toFixed(0)} | ${rs[0].rows} | ${rs[0].groups} |`;
  }),
];
writeFigures(resolve(here, 'RESULTS.md'), lines.join('\n'));
console.log(lines.join('\n'));
