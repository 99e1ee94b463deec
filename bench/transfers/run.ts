// Transfers benchmark (issue 16): N records from a Redis Stream into the Local org (upsert, Bulk API 2.0) and N
// messages from a RabbitMQ queue into a Redis Stream, DMS (a worker in its own process running the transfer) against a
// minimal hand-written consumer (bench/transfers/hand-written.ts) in the same run, alternating; medians of `runs`.
// queue -> stream also runs the broker's ceiling: the hand-written consumer writing nothing, with RabbitMQ's CPU.
// Needs Redis (REDIS_URL, default 127.0.0.1:6379) and RabbitMQ (RABBITMQ_URL, default guest@127.0.0.1:5672); starts
// its own in-memory pouchdb-server and emulator. Writes bench/transfers/RESULTS.md.
// Usage: node --import tsx bench/transfers/run.ts [records=20000] [runs=3]   (the issue's size: 1000000)
// BENCH_SCENARIOS=queue-stream (or stream-org) runs one scenario only; BENCH_TRANSFERS_NODE_ARGS adds node flags to the
// DMS side (e.g. '--cpu-prof --cpu-prof-dir=bench/out/prof').
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connect } from 'amqplib';
import { rssMb, startCouch, startEmulatorProcess, stop } from '../migrate/processes.js';
import { RABBIT_URL } from './hand-written.js';
import { writeResults } from '../support/results-file.js';
import { fillStream, orgCount, runSide, TRANSFERS_NODE_FLAGS, type Run } from './harness.js';

const records = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 3);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SIDES = ['dms', 'baseline', 'broker'] as const;
type Side = (typeof SIDES)[number];
/** The broker's ceiling is a queue measure: stream -> org has no broker. */
const COMPARED = SIDES.slice(0, 2);
const sidesOf = (scenario: string): readonly Side[] => (scenario === 'queue-stream' ? SIDES : COMPARED);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'stream-org,queue-stream').split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const tag = () => randomBytes(3).toString('hex');

async function fillQueue(queue: string): Promise<void> {
  const connection = await connect(RABBIT_URL);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: false });
  for (let i = 0; i < records; i++) {
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n: i, name: `message ${i}`, kind: 'bench' })));
    if (i % 10_000 === 9_999) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  await connection.close();
}


execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/transfers/tsconfig.json'], { stdio: 'inherit' });
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const redis = new Redis(REDIS_URL);
const couch = await startCouch();
const emulator = await startEmulatorProcess();
const results: Record<string, Record<Side, Run[]>> = Object.fromEntries(SCENARIOS.map((scenario) => [scenario, { dms: [], baseline: [], broker: [] }]));

async function streamToOrg(side: Side, prefix: string): Promise<Run> {
  const stream = `bench-in-${prefix}`;
  await fillStream(redis, stream, prefix, records);
  const result = await runSide([side, 'stream-org', String(records), stream, '', REDIS_URL, couch.url, emulator.url]);
  const inOrg = await orgCount(emulator.url, prefix);
  if (inOrg !== records) throw new Error(`${side}: the org holds ${inOrg} of ${records} records`);
  await redis.del(stream);
  return result;
}

async function queueToStream(side: Side, prefix: string): Promise<Run> {
  const queue = `bench-queue-${prefix}`;
  const target = `bench-out-${prefix}`;
  await fillQueue(queue);
  const result = await runSide([side, 'queue-stream', String(records), queue, target, REDIS_URL, couch.url, emulator.url]);
  const written = await redis.xlen(target);
  const expected = side === 'broker' ? 0 : records;
  if (written !== expected) throw new Error(`${side}: the stream holds ${written} of ${expected} entries`);
  await redis.del(target);
  const connection = await connect(RABBIT_URL);
  const channel = await connection.createChannel();
  const { messageCount } = await channel.checkQueue(queue);
  if (messageCount !== 0) throw new Error(`${side}: ${messageCount} messages left in the queue`);
  await channel.deleteQueue(queue);
  await connection.close();
  return result;
}

const scenarioRuns: Record<string, (side: Side, prefix: string) => Promise<Run>> = { 'stream-org': streamToOrg, 'queue-stream': queueToStream };
let serverPeaks = '';
try {
  for (let run = 0; run < runs; run++) {
    for (const side of SIDES) {
      for (const scenario of SCENARIOS.filter((s) => sidesOf(s).includes(side))) {
        const result = await scenarioRuns[scenario](side, `${side}${run}${tag()}`);
        results[scenario][side].push(result);
        console.log(`run ${run + 1} ${side} ${scenario}: ${result.seconds.toFixed(2)} s, ${result.cpuSeconds.toFixed(1)} CPU s, broker ${result.brokerCpuSeconds.toFixed(1)} CPU s, ${fmt(result.rssMb)} MB (load ${loadavg()[0].toFixed(1)})`);
      }
    }
  }
} finally {
  serverPeaks = `Local org ${fmt(rssMb(emulator.proc.pid).peak)} MB, pouchdb-server ${fmt(rssMb(couch.proc.pid).peak)} MB`;
  console.log(`peak RSS: ${serverPeaks}`);
  await stop(emulator);
  await stop(couch);
  redis.disconnect();
}

const row = (scenario: string, label: string, goal: number) => {
  const [d, b] = COMPARED.map((side) => median(results[scenario][side].map((r) => r.seconds)));
  const [dCpu, bCpu] = COMPARED.map((side) => median(results[scenario][side].map((r) => r.cpuSeconds)));
  const [rss, baselineRss] = COMPARED.map((side) => Math.max(...results[scenario][side].map((r) => r.rssMb)));
  const rate = records / d;
  const goals = `>= ${fmt(goal)}/s: ${rate >= goal ? 'met' : '**NOT met**'}; <= 300 MB: ${rss <= 300 ? 'met' : '**NOT met**'}`;
  return `| ${label} | **${fmt(rate)}** | ${fmt(records / b)} (${(d / b).toFixed(2)}x the time) | ${dCpu.toFixed(1)} / ${bCpu.toFixed(1)} | ${fmt(rss)} / ${fmt(baselineRss)} | ${goals} |`;
};
/** The broker's ceiling: messages a second RabbitMQ delivered to a consumer writing nothing, and its CPU per message. */
const brokerLine = () => {
  const runsOfBroker = results['queue-stream']?.broker ?? [];
  if (runsOfBroker.length === 0) return '';
  const seconds = median(runsOfBroker.map((r) => r.seconds));
  const perMessage = (side: Side) => `${((median(results['queue-stream'][side].map((r) => r.brokerCpuSeconds)) / records) * 1e6).toFixed(1)} us`;
  return [
    `The broker's ceiling, same run: the hand-written consumer writing nothing (prefetch 5,000, one multiple-ack per 5,000) took ${runsOfBroker.map((r) => r.seconds.toFixed(2)).join(' / ')} s:`,
    `**${fmt(records / seconds)} messages/s** (median). RabbitMQ's beam.smp CPU a message (median): ${perMessage('broker')} draining alone, ${perMessage('baseline')} for the hand-written consumer, ${perMessage('dms')} for DMS;`,
    `the consumer processes used ${median(runsOfBroker.map((r) => r.cpuSeconds)).toFixed(1)} CPU s draining alone.`,
  ].join('\n');
};
const runsOf = (scenario: string) => results[scenario].dms.map((r, i) => `${r.seconds.toFixed(2)} / ${results[scenario].baseline[i].seconds.toFixed(2)}`).join(', ');
const labels: Record<string, [string, number]> = {
  'stream-org': ['Redis Stream -> Local org (upsert, Bulk 2.0)', 20_000],
  'queue-stream': ['RabbitMQ queue -> Redis Stream', 50_000],
};
const text = [
  '# Transfers benchmark (bench/transfers)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on the shared 2-core machine while other sessions ran their`,
  `tests and benches (load average at the start / end: ${loadAtStart} / ${loadavg().map((l) => l.toFixed(1)).join(' ')}). ${fmt(records)} records per`,
  `scenario, medians of ${runs} runs, DMS and the hand-written consumer alternating; each side runs compiled (node, no tsx, as the Procfile runs`,
  'DMS) in a fresh process of its own (its peak RSS is its maxRSS). DMS: a worker (`startWorkers`, queue `transfers`) running a transfer made by `createTransfer`, timed from the',
  'request to `completed` on its document, with every count, dead-letter check and progress save. Baseline: bench/transfers/hand-written.ts.',
  '',
  '- stream -> org: entries with External_Id__c, Name, Phone, Industry; upsert on External_Id__c through Bulk API 2.0 into the Local org',
  '  (its own process), 25,000 records a job on both sides; XACK + XDEL after each job completed.',
  '- queue -> stream: JSON messages (3 fields) from a RabbitMQ queue into a Redis Stream, 5,000 a batch, acknowledged after the XADDs',
  '  (DMS: prefetch two batches, the next read while one is written; hand-written: prefetch 5,000). Both sides XADD through the same',
  '  Lua script, a thousand records a call as one JSON argument (`xaddAll`; until 2026-12-06 evening one argument per field, before',
  '  that one pipelined XADD per message).',
  '',
  `DMS runs with the Procfile's \`transfers:\` node flags (\`${TRANSFERS_NODE_FLAGS.join(' ')}\`); the hand-written consumer with Node's defaults.`,
  '',
  '| scenario | DMS records/s | hand-written records/s (DMS time ratio) | CPU s, DMS / hand-written | peak RSS MB, DMS / hand-written | goals |',
  '|---|---|---|---|---|---|',
  ...SCENARIOS.map((scenario) => row(scenario, ...labels[scenario])),
  '',
  `Runs, s (DMS / hand-written): ${SCENARIOS.map((scenario) => `${scenario} ${runsOf(scenario)}`).join('; ')}. Peak RSS of the servers: ${serverPeaks}.`,
  '',
  brokerLine(),
  '',
  '## Reproduce',
  '',
  `\`node --import tsx bench/transfers/run.ts ${records} ${runs}\` (the issue's size: \`1000000\`).`,
  '',
];
writeResults(process.env.BENCH_RESULTS ?? 'bench/transfers/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
