// Chaos bench (issue 12, "A run always finishes, even while workers die"): runs while workers keep dying.
// Two worker processes (compiled as the Procfile runs them, WORKER_LOCK_MS=5000) drain the queues; every `everyS`
// seconds a random one (ready for 2 s at least) is SIGKILLed and a new one started, through the whole run. Each case
// runs without kills (the baseline, same pool) and with kills, alternating (reconciliation off: its reads would count), `runs` times; per run it prints time to
// `completed`, kills, work redone (API calls, Bulk jobs abandoned, rows sent again, revivals) and exactness (records
// of the run in the org, duplicates, records missing from the success file, totals), and writes bench/chaos/RESULTS.md.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379); starts its own pouchdb-server.
// Usage: node --import tsx bench/chaos/run.ts [rows=100000] [runs=1] [cases=upsert,insert,collections] [everyS=5] [boundMinutes=30]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { COMPILED_DIR, compileWorkers, startCouch, stop } from '../migrate/processes.js';
import type { KillCase, KillResult } from '../../test/support/kill-series.js';

const rows = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 1);
const only = (process.argv[4] ?? 'upsert,insert,collections').split(',');
const everyMs = Number(process.argv[5] ?? 5) * 1000;
const boundMs = Number(process.argv[6] ?? 30) * 60_000;

compileWorkers();
const couch = await startCouch();
process.env.COUCHDB_URL = couch.url;
// Imported once COUCHDB_URL is set: the test wiring reads it.
const { startHarness } = await import('../../test/integration/migrations/harness.js');
const { runKillSeries } = await import('../../test/support/kill-series.js');

const CASES: (KillCase & { key: string })[] = [
  { key: 'upsert', label: 'Bulk upsert', rows, operation: 'upsert', options: { apiMode: 'bulk', reconcile: false }, latencyMs: 5 },
  { key: 'insert', label: 'Bulk insert', rows, operation: 'insert', options: { apiMode: 'bulk', reconcile: false }, latencyMs: 5 },
  { key: 'collections', label: 'Collections', rows, operation: 'insert', options: { apiMode: 'collections', reconcile: false }, latencyMs: 5 },
];

const load = () => loadavg()[0].toFixed(1);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** Seconds from a kill until a job the killed worker held was taken again: median and largest, over how many jobs. */
const retakes = (gaps: number[]) =>
  gaps.length === 0 ? '-' : `${(median(gaps) / 1000).toFixed(1)} s (max ${(Math.max(...gaps) / 1000).toFixed(1)}, ${gaps.length} jobs)`;
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const pool = { pool: 2, everyMs, minLifeMs: 2000, workerEntry: [`${COMPILED_DIR}/workers/index.js`] };
const h = await startHarness({ workers: false });
interface Measured extends KillResult { load: string }
const results = new Map<string, { killed: Measured[]; baseline: Measured[] }>();
const describe = (r: Measured) =>
  `${r.kills} kills, finished ${r.finished ? 'yes' : 'no'} (${r.state}), ${r.seconds.toFixed(1)} s, ${r.inOrg} in the org, ${r.duplicates} duplicates, ` +
  `${r.notInSuccessFile} not in the success file; totals ${JSON.stringify(r.totals)}; ${r.apiCalls} API calls, ${r.bulkJobs} Bulk jobs ` +
  `(${r.bulkJobsAbandoned} abandoned, ${r.rowsResent} rows sent again), ${r.revivals} revivals; ` +
  `kill -> job taken again ${retakes(r.retakeMs)}; load ${r.load}`;
const measure = async (kase: KillCase, kills: boolean): Promise<Measured> => {
  const before = load();
  const r = await runKillSeries(h.services, h.emulator, kase, boundMs, { ...pool, kills });
  return { ...r, load: `${before}-${load()}` };
};
try {
  for (let run = 0; run < runs; run++) {
    for (const kase of CASES.filter((c) => only.includes(c.key))) {
      const entry = results.get(kase.key) ?? { killed: [], baseline: [] };
      results.set(kase.key, entry);
      const baseline = await measure(kase, false);
      console.log(`${kase.label} (${kase.rows} rows) without kills: ${describe(baseline)}`);
      entry.baseline.push(baseline);
      const killed = await measure(kase, true);
      console.log(`${kase.label} (${kase.rows} rows) with a kill every ${everyMs / 1000} s: ${describe(killed)}`);
      entry.killed.push(killed);
    }
  }
} finally {
  await h.close();
  await stop(couch);
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const exact = (r: Measured) => r.finished && r.state === 'completed' && r.inOrg === r.rows && r.duplicates === 0 && r.notInSuccessFile === 0 && r.totals.succeeded === r.rows;
const lines = [
  '# Chaos: runs while workers keep dying',
  '',
  `Measured ${new Date().toISOString().slice(0, 16)} UTC by \`node --import tsx bench/chaos/run.ts ${process.argv.slice(2).join(' ')}\`:`,
  `two compiled worker processes, a random one (ready for 2 s at least) SIGKILLed every ${everyMs / 1000} s and replaced, through the`,
  `whole run; the baseline is the same pool without kills, alternating. Load average (1 min) at start ${loadAtStart.split(' ')[0]},`,
  `at end ${load()}, per run in the last column (a shared 2-core machine). Medians of ${runs} run(s).`,
  '',
  '| run | rows | seconds with kills (without, ratio) | kills | exact (finished, in the org, duplicates, not in the success file) | API calls with kills (without, ratio) | Bulk jobs abandoned / rows sent again | revivals | kill -> job taken again | load |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...CASES.filter((c) => results.has(c.key)).map((c) => {
    const { killed: k, baseline: b } = results.get(c.key)!;
    const secs = median(k.map((r) => r.seconds));
    const base = median(b.map((r) => r.seconds));
    const calls = median(k.map((r) => r.apiCalls));
    const baseCalls = median(b.map((r) => r.apiCalls));
    const allExact = k.every(exact) && b.every(exact);
    const last = k.at(-1)!;
    return `| ${c.label} | ${n(c.rows)} | ${secs.toFixed(1)} (${base.toFixed(1)}, **${(secs / base).toFixed(2)}x**) | ${median(k.map((r) => r.kills))} | ` +
      `${allExact ? 'yes' : '**no**'} (${k.filter((r) => r.finished).length}/${k.length}, ${n(last.inOrg)}, ${last.duplicates}, ${last.notInSuccessFile}) | ` +
      `${n(calls)} (${n(baseCalls)}, ${(calls / baseCalls).toFixed(2)}x) | ${median(k.map((r) => r.bulkJobsAbandoned))} / ${n(median(k.map((r) => r.rowsResent)))} | ` +
      `${median(k.map((r) => r.revivals))} | ${retakes(k.flatMap((r) => r.retakeMs))} | ${k.map((r) => r.load).join(', ')} |`;
  }),
  '',
];
writeFileSync('bench/chaos/RESULTS.md', lines.join('\n'));
console.log('wrote bench/chaos/RESULTS.md');
