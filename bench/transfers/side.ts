// One side of one transfers bench scenario, in its own process (so its peak RSS is its own); prints one JSON line.
// Several sources, comma-separated, run as that many transfers at once (<records> each: bench/transfers/parallel.ts).
// Usage (compiled by run.ts into bench/out/transfers): node bench/out/transfers/bench/transfers/side.js <dms|baseline|broker> <stream-org|queue-stream> <records> <source> <target> <redisUrl> <couchUrl> <orgUrl>
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { configureLogger } from '../../src/logger.js';
import { connectServices } from '../../src/services.js';
import { createTransfer, findTransfer } from '../../src/transfers/index.js';
import { startWorkers } from '../../workers/runtime.js';
import { RABBIT_URL, drainQueue, handStreamToOrg, handQueueToStream } from './hand-written.js';

const [side, scenario, count, source, target, redisUrl, couchUrl, orgUrl] = process.argv.slice(2);
const records = Number(count);

async function dms(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const config = loadConfig({
    NODE_ENV: 'development', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, COUCHDB_URL: couchUrl, COUCHDB_DB_PREFIX: `bench${id}_`,
    QUEUE_PREFIX: `bench-${id}`, LOCAL_ORG_URL: orgUrl, WORKER_QUEUES: 'transfers', PATH: process.env.PATH ?? '',
  });
  configureLogger({ level: config.logLevel });
  const services = await connectServices(config);
  const workers = startWorkers(services);
  // Several sources (comma-separated): one transfer each, all at once in this one process (WORKER_CONCURRENCY slots).
  const bodyOf = (from: string) => (scenario === 'stream-org'
    ? {
      source: { kind: 'redis-stream', url: redisUrl, stream: from },
      target: { kind: 'salesforce', object: 'Account', externalIdField: 'External_Id__c', api: 'bulk' }, batchSize: 25_000,
    }
    : { source: { kind: 'rabbitmq-queue', url: RABBIT_URL, queue: from }, target: { kind: 'redis-stream', url: redisUrl, stream: target }, batchSize: 5000 });
  const t0 = performance.now();
  const docs = await Promise.all(source.split(',').map((from) => createTransfer(services, bodyOf(from), 'bench')));
  for (const doc of docs) {
    const transferId = doc._id.replace(/^transfer:/, '');
    for (;;) {
      const now = await findTransfer(services.store, transferId);
      if (now && ['completed', 'failed', 'stopped'].includes(now.status)) {
        if (now.status !== 'completed' || now.counts.recordsOut !== records) throw new Error(`transfer ended ${now.status}: ${JSON.stringify(now.counts)} ${JSON.stringify(now.error)}`);
        break;
      }
      await sleep(50);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await workers.close(5000);
  await services.close();
  report(seconds);
}

/** The result line: wall seconds, peak RSS and CPU seconds (user + system) of this process. */
function report(seconds: number): void {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  console.log(JSON.stringify({ seconds, rssMb: maxRSS / 1024, cpuSeconds: (userCPUTime + systemCPUTime) / 1e6 }));
}

async function baseline(): Promise<void> {
  const redis = new Redis(redisUrl);
  const t0 = performance.now();
  if (scenario === 'stream-org') await handStreamToOrg(redis, source, orgUrl, records);
  else await handQueueToStream(redis, RABBIT_URL, source, target, records);
  const seconds = (performance.now() - t0) / 1000;
  redis.disconnect();
  report(seconds);
}

/** The broker's ceiling (queue-stream only): the hand-written consumer with nothing written. */
async function broker(): Promise<void> {
  const t0 = performance.now();
  await drainQueue(RABBIT_URL, source, records);
  report((performance.now() - t0) / 1000);
}

await ({ dms, baseline, broker }[side] ?? baseline)();
process.exit(0);
