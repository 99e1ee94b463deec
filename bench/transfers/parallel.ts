// Several transfers at once in one transfers process (the Procfile's `transfers:` flags: a 160 MB heap cap; its
// WORKER_CONCURRENCY runs 4 at once): N Redis Streams into the Local org (upsert, Bulk 2.0, 25,000 a job), against one
// transfer of the same size alone in the same run, alternating. Peak RSS and time; every record must be in the org.
// Usage: node --import tsx bench/transfers/parallel.ts [recordsPerTransfer=250000] [transfers=4] [runs=2]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { startCouch, startEmulatorProcess, stop } from '../migrate/processes.js';
import { fillStream, orgCount, runSide, TRANSFERS_NODE_FLAGS, type Run } from './harness.js';

const perTransfer = Number(process.argv[2] ?? 250_000);
const transfers = Number(process.argv[3] ?? 4);
const runs = Number(process.argv[4] ?? 2);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/transfers/tsconfig.json'], { stdio: 'inherit' });
const loadAtStart = load();
const redis = new Redis(REDIS_URL);
const couch = await startCouch();
const emulator = await startEmulatorProcess();

/** `count` transfers at once, each moving its own stream of `perTransfer` records. */
async function transfersAtOnce(count: number): Promise<Run> {
  const prefixes = Array.from({ length: count }, () => `par${randomBytes(3).toString('hex')}`);
  const streams = prefixes.map((prefix) => `bench-in-${prefix}`);
  for (const [i, stream] of streams.entries()) await fillStream(redis, stream, prefixes[i], perTransfer);
  const result = await runSide(['dms', 'stream-org', String(perTransfer), streams.join(','), '', REDIS_URL, couch.url, emulator.url]);
  for (const prefix of prefixes) {
    const inOrg = await orgCount(emulator.url, prefix);
    if (inOrg !== perTransfer) throw new Error(`${prefix}: the org holds ${inOrg} of ${perTransfer} records`);
  }
  await redis.del(...streams);
  return result;
}

const results: Record<'one' | 'many', Run[]> = { one: [], many: [] };
try {
  for (let run = 0; run < runs; run++) {
    results.one.push(await transfersAtOnce(1));
    results.many.push(await transfersAtOnce(transfers));
    console.log(`run ${run + 1}: one ${results.one.at(-1)?.seconds.toFixed(2)} s ${results.one.at(-1)?.rssMb.toFixed(0)} MB; ${transfers} at once ${results.many.at(-1)?.seconds.toFixed(2)} s ${results.many.at(-1)?.rssMb.toFixed(0)} MB (load ${load()})`);
  }
} finally {
  await stop(emulator);
  await stop(couch);
  redis.disconnect();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (label: string, rs: Run[], records: number) =>
  `| ${label} | ${median(rs.map((r) => r.seconds)).toFixed(2)} | ${Math.round(records / median(rs.map((r) => r.seconds))).toLocaleString('en-US')} | ${median(rs.map((r) => r.cpuSeconds)).toFixed(1)} | ${Math.round(Math.max(...rs.map((r) => r.rssMb)))} |`;
const text = [
  '',
  `## ${transfers} transfers at once in one transfers process (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
  '',
  `\`bench/transfers/parallel.ts ${perTransfer} ${transfers} ${runs}\`: ${transfers} Redis Streams of ${perTransfer.toLocaleString('en-US')} records, each`,
  `its own transfer into the Local org (upsert, Bulk 2.0, 25,000 a job), all started at once in one process with the`,
  `\`transfers:\` flags (\`${TRANSFERS_NODE_FLAGS.join(' ')}\`), against one such transfer alone, alternating; medians of ${runs}`,
  `(load average ${loadAtStart} / ${load()}). Every record was found in the org.`,
  '',
  '| transfers at once | s | records/s | CPU s | peak RSS MB (highest) |',
  '|---|---|---|---|---|',
  line('1', results.one, perTransfer),
  line(String(transfers), results.many, perTransfer * transfers),
  '',
];
appendFileSync('bench/transfers/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
