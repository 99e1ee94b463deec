// Reconciliation benchmark (issue 19): a run inserts N Account rows through Bulk API 2.0 into a fresh emulator, then a
// reconciliation reads every written record back and compares it; its time as a ratio to the run's, same processes.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379); starts its own in-memory pouchdb-server, emulator and 2 workers.
// Usage: node --import tsx bench/reconcile/run.ts [rows=100000] [runs=3], or `--full [runs=3]` for 1,000,000 rows (the issue's size).
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { getMigration } from '../../src/migrations/index.js';
import { findReconciliation, requestReconciliation, type ReconciliationDoc } from '../../src/reconciliation/index.js';
import { dmsRun, type AfterRun } from '../migrate/dms-run.js';
import { defaultPath, generate } from '../migrate/generate.js';
import { compileWorkers, rssMb } from '../migrate/processes.js';

const full = process.argv.includes('--full');
const args = process.argv.slice(2).filter((a) => a !== '--full');
// `[rows] [runs]`, or `--full [runs]`.
const rows = full ? 1_000_000 : Number(args[0] ?? 100_000);
const runs = Number((full ? args[0] : args[1]) ?? 3);
compileWorkers();

interface Measured { run: number; reconcile: number; workerRssMb: number; counts: ReconciliationDoc['counts'] }

/** Asks for a reconciliation of the finished run and times it to `done` (the report document, polled every 50 ms). */
function timeReconciliation(into: Partial<Measured>): AfterRun {
  return async (services, migrationId, workers) => {
    const started = performance.now();
    await requestReconciliation(services, await getMigration(services, migrationId), 'bench');
    // A failed attempt is tried again by BullMQ (3 attempts); the bench reports it and waits for the next.
    let failedSince: number | undefined;
    for (;;) {
      const doc = await findReconciliation(services, migrationId);
      if (doc?.state === 'failed') {
        if (failedSince === undefined) console.log(`an attempt failed: ${doc.error?.message}`);
        failedSince ??= performance.now();
        if (performance.now() - failedSince > 120_000) throw new Error(`reconciliation failed: ${doc.error?.message}`);
      } else failedSince = undefined;
      if (doc?.state === 'done') {
        into.reconcile = (performance.now() - started) / 1000;
        into.counts = doc.counts;
        break;
      }
      await sleep(50);
    }
    into.workerRssMb = Math.max(...workers.map((w) => rssMb(w.proc.pid).peak));
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const file = defaultPath(rows);
if (!existsSync(file)) await generate(rows, file);
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const measured: Measured[] = [];
for (let i = 0; i < runs; i++) {
  const m: Partial<Measured> = {};
  // The run itself does not reconcile: the bench asks for it after, to time it alone.
  const run = await dmsRun(file, { reconcile: false }, true, 2, timeReconciliation(m));
  const result = { ...m, run: run.seconds } as Measured;
  if (result.counts.written !== rows || result.counts.matched !== rows) throw new Error(`counts ${JSON.stringify(result.counts)} for ${rows} rows`);
  measured.push(result);
  console.log(`run ${i + 1}: run ${result.run.toFixed(2)} s, reconciliation ${result.reconcile.toFixed(2)} s (${(result.reconcile / result.run).toFixed(2)}x), worker peak RSS ${Math.round(result.workerRssMb)} MB`);
}

const run = median(measured.map((m) => m.run));
const reconcile = median(measured.map((m) => m.reconcile));
const ratio = median(measured.map((m) => m.reconcile / m.run));
const rss = median(measured.map((m) => m.workerRssMb));
const text = [
  '# Reconciliation benchmark (bench/reconcile)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on the shared 2-core machine while other`,
  `helpers' work ran (load average at start / end: ${loadAtStart} / ${loadavg().map((l) => l.toFixed(1)).join(' ')}): compare the ratio more than seconds.`,
  `Each of ${runs} runs uses fresh processes (bench/migrate's dmsRun: in-memory pouchdb-server, the emulator, two compiled`,
  'worker processes, WORKER_CONCURRENCY 4): an insert of the file through Bulk API 2.0 with reconciliation turned off, then',
  'a reconciliation asked for at once and timed to its report being `done` (every record matched).',
  '',
  `## ${fmt(rows)} rows x 8 columns, insert then reconcile`,
  '',
  '| measure | median |',
  '|---|---|',
  `| the run, start -> completed, s (baseline) | ${fmt(run, 2)} |`,
  `| the reconciliation, asked -> done, s | ${fmt(reconcile, 2)} |`,
  `| reconciliation / run | **${ratio.toFixed(2)}x** |`,
  `| records reconciled per second | ${fmt(rows / reconcile)} |`,
  `| peak RSS of the larger worker process (run and reconciliation), MB | ${fmt(rss)} |`,
  '',
  `Runs (run / reconciliation, s): ${measured.map((m) => `${m.run.toFixed(2)} / ${m.reconcile.toFixed(2)}`).join(', ')}.`,
  '',
  `Target: reconciliation within 1.5x of the run: **${ratio <= 1.5 ? 'met' : 'NOT met'}** (${ratio.toFixed(2)}x).`,
  '',
  '## Reproduce',
  '',
  `\`node --import tsx bench/reconcile/run.ts ${full ? '--full' : rows} ${runs}\` (the file is bench/migrate's generator output).`,
  '',
];
writeFileSync(process.env.BENCH_RESULTS ?? 'bench/reconcile/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
