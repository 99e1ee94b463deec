// Where the end-to-end time goes (issue 18): `npm start` upload-and-run as bench/e2e/run.ts times it, without the sf
// baseline; per run, when each phase was first seen, the CPU seconds of every process from the banner to `completed`,
// and their peak RSS. With two or more builds, runs alternate between them (an A/B of a change in the same hour): every
// other round in reverse order (A B, B A, ...), and at the end each build against the first, pair by pair (paired.ts).
// `--sf`: after each round, `sf data import bulk` of the same file as bench/e2e/run.ts times it, with its CPU seconds.
// `--workers=1,2`: one build, runs alternating between `dms start` with 1 and 2 worker processes (WORKER_PROCESSES).
// `--batch=25000,100000`: runs alternating between migrations with these batch sizes (options.batchSize).
// `--concurrency=2,4`: the same with these batches at once (options.concurrency; above 8, WORKER_BATCH_CONCURRENCY=N in the
// environment lets the worker process run that many).
// Usage: node --import tsx bench/e2e/timeline.ts [rows=1000000] [runs=1] [builtDir...] [--sf] [--workers=1,2] [--batch=N,M] [--concurrency=N,M]   (default: run.ts's build)
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SfCli } from '../../test/integration/sf-cli/sf-cli.js';
import { defaultPath, generate } from '../migrate/generate.js';
import { BUILT_DIR, dmsStartRun } from './dms-start.js';
import { cpuByLabel, peakByLabel } from './process-tree.js';
import { sfImportRun } from './sf-import.js';
import { pairedLine, pairedSummary } from './paired.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const listOption = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',').map(Number);
const workerCounts = listOption('workers') ?? [1];
const batchSizes = listOption('batch') ?? [undefined];
const concurrencies = listOption('concurrency') ?? [undefined];
const rows = Number(args[0] ?? 1_000_000);
const runs = Number(args[1] ?? 1);
const builds = (args.length > 2 ? args.slice(2) : [BUILT_DIR])
  .flatMap((builtDir) => workerCounts.flatMap((workerProcesses) => batchSizes.flatMap((batchSize) => concurrencies.map((concurrency) => ({ builtDir, workerProcesses, batchSize, concurrency })))));
// The file as run.ts makes it, when no earlier run left one.
if (!existsSync(defaultPath(rows))) await generate(rows, defaultPath(rows));
const sf = process.argv.includes('--sf') ? await SfCli.create() : undefined;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
/** Per build (in `builds` order), each round's upload to completed and all of DMS's CPU seconds. */
const results = builds.map(() => ({ seconds: [] as number[], cpu: [] as number[] }));
for (let i = 0; i < runs; i++) {
  // A build is not always the one that runs after the previous round's teardown.
  const order = i % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    const { builtDir, workerProcesses, batchSize, concurrency } = build;
    const loadBefore = load();
    const runOptions = { ...(batchSize ? { batchSize } : {}), ...(concurrency ? { concurrency } : {}) };
    const run = await dmsStartRun(defaultPath(rows), rows, { builtDir, workerProcesses, runOptions });
    const cpu = cpuByLabel(run.processes);
    const peaks = peakByLabel(run.processes);
    const total = [...cpu.values()].reduce((a, b) => a + b, 0);
    results[builds.indexOf(build)].seconds.push(run.seconds);
    results[builds.indexOf(build)].cpu.push(total);
    console.log(`\n${builtDir}, ${workerProcesses} worker process(es), batches of ${batchSize ?? 'default'} rows, ${concurrency ?? 'default'} at once, run ${i + 1}: upload to completed ${run.seconds.toFixed(2)} s, to ready ${run.uploadToReady.toFixed(2)} s; `
      + `load ${loadBefore} -> ${load()}; batches running at once: up to ${run.phases.peakRunning}`);
    for (const line of run.phases.lines()) console.log(`  ${line}`);
    const ready = cpuByLabel(run.atReady);
    const perProcess = [...cpu].map(([label, s]) => `${label} ${(ready.get(label) ?? 0).toFixed(1)} + ${(s - (ready.get(label) ?? 0)).toFixed(1)} s ${Math.round(peaks.get(label) ?? 0)} MB`);
    const readyTotal = [...ready.values()].reduce((a, b) => a + b, 0);
    console.log(`  CPU s banner to ready + ready to completed, peak RSS: ${perProcess.join('; ')}; total ${readyTotal.toFixed(1)} + ${(total - readyTotal).toFixed(1)} CPU-s`);
  }
  if (!sf) continue;
  const loadBefore = load();
  const sfRun = await sfImportRun(sf, defaultPath(rows), rows, `timeline${i}`);
  const orgCpu = sfRun.processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
  console.log(`\nsf data import bulk: ${sfRun.seconds.toFixed(2)} s; load ${loadBefore} -> ${load()}; CPU s: Local org ${orgCpu.toFixed(1)}, `
    + `sf CLI ${sfRun.cliCpuSeconds.toFixed(1)}; total ${(orgCpu + sfRun.cliCpuSeconds).toFixed(1)} CPU-s`);
}
await sf?.close();
const label = ({ builtDir, workerProcesses, batchSize, concurrency }: (typeof builds)[number]) =>
  `${builtDir}, ${workerProcesses} worker process(es), batches of ${batchSize ?? 'default'}, ${concurrency ?? 'default'} at once`;
for (let b = 1; b < builds.length; b++) {
  console.log(`\n${label(builds[b])} against ${label(builds[0])}:`);
  console.log(`  ${pairedLine('upload to completed', pairedSummary(results[0].seconds, results[b].seconds), 's')}`);
  console.log(`  ${pairedLine('all of DMS', pairedSummary(results[0].cpu, results[b].cpu), 'CPU-s')}`);
}
