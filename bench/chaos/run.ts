// Chaos bench (issue 12, "A run always finishes, even while workers die"): the kill series at the size.
// Worker processes (workers/index.ts through tsx) are SIGKILLed 1-4 s after each became ready, a new one started each
// time, through each run; per run it prints kills, finished or not, time, records in the org and duplicates, and
// writes bench/chaos/RESULTS.md. Needs Redis at REDIS_URL (default 127.0.0.1:6379); starts its own pouchdb-server.
// Usage: node --import tsx bench/chaos/run.ts [rows=100000] [boundMinutes=30] [cases=upsert,insert,collections,latency]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startCouch, stop } from '../migrate/processes.js';
import type { KillCase, KillResult } from '../../test/support/kill-series.js';

const rows = Number(process.argv[2] ?? 100_000);
const boundMs = Number(process.argv[3] ?? 30) * 60_000;
const only = (process.argv[4] ?? 'upsert,insert,collections,latency').split(',');

const couch = await startCouch();
process.env.COUCHDB_URL = couch.url;
// Imported once COUCHDB_URL is set: the test wiring reads it.
const { startHarness } = await import('../../test/integration/migrations/harness.js');
const { runKillSeries } = await import('../../test/support/kill-series.js');

const CASES: (KillCase & { key: string })[] = [
  { key: 'upsert', label: 'Bulk upsert', rows, operation: 'upsert', options: { apiMode: 'bulk' }, latencyMs: 5 },
  { key: 'insert', label: 'Bulk insert', rows, operation: 'insert', options: { apiMode: 'bulk' }, latencyMs: 5 },
  { key: 'collections', label: 'Collections forced', rows: Math.min(rows, 20_000), operation: 'insert', options: { apiMode: 'collections' }, latencyMs: 5 },
  { key: 'latency', label: 'Collections, 300 ms latency', rows: 2000, operation: 'insert', options: { apiMode: 'collections' }, latencyMs: 300 },
];

const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const h = await startHarness({ workers: false });
const results: { killed: KillResult; baseline: KillResult }[] = [];
const describe = (r: KillResult) =>
  `${r.kills} kills, finished ${r.finished ? 'yes' : 'no'} (${r.state}), ${r.seconds.toFixed(0)} s, ${r.inOrg} in the org, ${r.duplicates} duplicates, ${r.notInSuccessFile} not in the success file; totals ${JSON.stringify(r.totals)}`;
try {
  for (const kase of CASES.filter((c) => only.includes(c.key))) {
    // The baseline: the same run with one worker that is never killed, in the same hour.
    const baseline = await runKillSeries(h.services, h.emulator, kase, boundMs, { kills: false });
    console.log(`${kase.label} (${kase.rows} rows) without kills: ${describe(baseline)}`);
    const killed = await runKillSeries(h.services, h.emulator, kase, boundMs);
    console.log(`${kase.label} (${kase.rows} rows) with kills: ${describe(killed)}`);
    results.push({ killed, baseline });
  }
} finally {
  await h.close();
  await stop(couch);
}

const lines = [
  '# Chaos: runs through worker kills',
  '',
  `Measured ${new Date().toISOString().slice(0, 16)} UTC by \`node --import tsx bench/chaos/run.ts ${process.argv.slice(2).join(' ')}\`,`,
  `load average at start ${loadAtStart}, at end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (a shared 2-core machine).`,
  '',
  '| run | rows | kills | finished | state | seconds (without kills, ratio) | in the org | duplicates | not in the success file | succeeded / failed / skipped |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(({ killed: r, baseline: b }) => `| ${r.label} | ${r.rows.toLocaleString('en-US')} | ${r.kills} | ${r.finished ? 'yes' : '**no**'} | ${r.state} | ${r.seconds.toFixed(0)} (${b.seconds.toFixed(0)}, ${(r.seconds / b.seconds).toFixed(1)}x) | ${r.inOrg.toLocaleString('en-US')} | ${r.duplicates} | ${r.notInSuccessFile} | ${r.totals.succeeded} / ${r.totals.failed} / ${r.totals.skipped} |`),
  '',
];
writeFileSync('bench/chaos/RESULTS.md', lines.join('\n'));
console.log('wrote bench/chaos/RESULTS.md');
