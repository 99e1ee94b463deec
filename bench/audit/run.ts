// The cost of the audit hash chain: N entries appended by C concurrent writers through recordAudit (Redis lock, head,
// seq id, SHA-256) against the same entries inserted unchained (what recordAudit did before: one insert, random id),
// alternating, medians of `runs`; then one verify walk over everything written. Writes bench/audit/RESULTS.md.
// Usage: node --import tsx bench/audit/run.ts [entries=500] [writers=8] [runs=3]   (Redis on REDIS_URL or 127.0.0.1:6379)
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { connectServices, type Services } from '../../src/services.js';
import { AuditDoc, recordAudit, verifyAuditChain, type AuditInput } from '../../src/audit/index.js';
import { startCouch, stop } from '../migrate/processes.js';

const [entries = 500, writers = 8, runs = 3] = process.argv.slice(2).map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

/** What a request's audit entry looks like (the middleware's shape). */
const entryOf = (i: number): AuditInput => ({
  actor: `user-${i % 17}`, action: 'migration.start', target: { type: 'migration', id: `mig-${i}` }, address: '127.0.0.1',
  outcome: 'ok', details: { object: 'Account', rows: i, connection: 'local' },
});

/** The write before the chain: one insert with a time-sorted random id. */
async function unchained(services: Services, input: AuditInput): Promise<void> {
  const at = new Date().toISOString();
  const doc = AuditDoc.parse({ ...input, _id: `audit:${at}:${randomBytes(4).toString('hex')}`, kind: 'audit', at });
  await services.store.db<AuditDoc>('audit').insert(doc);
}

/** `writers` loops sharing a counter, as concurrent requests finish; per-entry latencies in ms. */
async function drive(write: (i: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async () => {
    while (next < entries) {
      const i = next++;
      const t = performance.now();
      await write(i);
      latencies.push(performance.now() - t);
    }
  }));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

const couch = await startCouch();
const prefix = `bench-audit-${randomBytes(3).toString('hex')}`;
const services = await connectServices(loadConfig({
  NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', COUCHDB_URL: couch.url,
  COUCHDB_DB_PREFIX: 'bench_', QUEUE_PREFIX: prefix, PATH: process.env.PATH ?? '',
}));
const rows: { base: number; chain: number; baseP99: number; chainP50: number; baseP50: number; chainP99: number }[] = [];
try {
  await recordAudit(services, entryOf(-1)); // installs the append-only guard outside the timing
  for (let run = 0; run < runs; run++) {
    const base = await drive((i) => unchained(services, entryOf(i)));
    const chain = await drive((i) => recordAudit(services, entryOf(i)).then(() => undefined));
    rows.push({
      base: base.seconds, chain: chain.seconds, baseP50: percentile(base.latencies, 0.5), baseP99: percentile(base.latencies, 0.99),
      chainP50: percentile(chain.latencies, 0.5), chainP99: percentile(chain.latencies, 0.99),
    });
    console.log(`run ${run + 1}: unchained ${base.seconds.toFixed(2)} s, chained ${chain.seconds.toFixed(2)} s`);
  }
  const t = performance.now();
  const report = await verifyAuditChain(services);
  const verifySeconds = (performance.now() - t) / 1000;
  if (!report.ok) throw new Error(`the chain broke under load: ${report.firstBreak?.message}`);
  const m = (key: keyof (typeof rows)[number]) => median(rows.map((r) => r[key]));
  const rate = (seconds: number) => Math.round(entries / seconds);
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' / ');
  const text = `# Audit hash chain: append cost\n\n`
    + `${new Date().toISOString().slice(0, 10)}, shared 2-core machine (load average ${load} at the end), Node ${process.version}, `
    + `pouchdb-server in memory, local Redis. ${entries} entries by ${writers} concurrent writers, ${runs} runs, medians.\n\n`
    + `| write | entries/s | per entry p50 | p99 |\n|---|---|---|---|\n`
    + `| unchained insert (before the chain; baseline) | ${rate(m('base'))} | ${m('baseP50').toFixed(1)} ms | ${m('baseP99').toFixed(1)} ms |\n`
    + `| recordAudit: lock + head + seq id + SHA-256 | ${rate(m('chain'))} | ${m('chainP50').toFixed(1)} ms | ${m('chainP99').toFixed(1)} ms |\n\n`
    + `Chained / unchained time: **${(m('chain') / m('base')).toFixed(2)}x**. The middleware writes the entry after the response is sent, `
    + `so a request's own latency does not include it; the figure that matters is whether the chain keeps up with the requests that `
    + `change state. Verify walked ${report.checked} entries in ${verifySeconds.toFixed(2)} s (${Math.round(report.checked / verifySeconds)} entries/s); the chain was intact.\n`;
  writeFileSync('bench/audit/RESULTS.md', text);
  console.log(text);
} finally {
  const keys = await services.redis.keys(`${prefix}:*`);
  if (keys.length > 0) await services.redis.del(...keys);
  await services.close();
  await stop(couch);
}
