// One measured DMS run: fresh pouchdb-server (in memory) and emulator children, the dataset loaded into
// chunks through the real reader and chunk sink (readDataset + ChunkSink, as a dataset.parse job does, minus the blob
// and the profile; a CSV file's chunks keep the rows' own text),
// two worker processes, then an insert migration timed from startMigration to state `completed`.
import { randomBytes } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { connectServices, type Services } from '../../src/services.js';
import { configureLogger } from '../../src/logger.js';
import { CHUNK_ROWS, ChunkSink, DatasetDoc } from '../../src/datasets/index.js';
import { readDataset } from '../../src/datasets/readers/index.js';
import { createMigration, eventsChannel, getMigration, startMigration, type MigrationEvent, type MigrationOptions } from '../../src/migrations/index.js';
import { COLUMNS } from './generate.js';
import { cpuSeconds, rssMb, startCouch, startEmulatorProcess, startWorkerProcess, stop, type Child } from './processes.js';

export interface DmsRun {
  seconds: number; loadSeconds: number; succeeded: number; inEmulator: number; batches: number;
  workerRssMb: number[]; emulatorRssMb: number; couchRssMb: number;
  /** CPU seconds used during the timed run by the workers (summed), the emulator and pouchdb-server. */
  cpu: { workers: number; emulator: number; couch: number };
}

async function loadDataset(services: Services, file: string): Promise<{ id: string; rows: number }> {
  const id = `ds-bench-${randomBytes(4).toString('hex')}`;
  const sink = new ChunkSink(services.store, id);
  for await (const batch of readDataset(() => createReadStream(file), { format: 'csv', batchSize: CHUNK_ROWS / 10 })) await sink.add(batch);
  await sink.end();
  const now = new Date().toISOString();
  await services.store.db('datasets').insert(DatasetDoc.parse({
    _id: id, kind: 'dataset', name: id, fileName: file, sizeBytes: 0, blobId: '', uploadedBy: 'bench', createdAt: now, updatedAt: now,
    status: 'ready', columns: sink.columns, rowCount: sink.rowCount, chunkCount: sink.chunkCount,
  }) as never);
  return { id, rows: sink.rowCount };
}

async function emulatorCount(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/__emulator/objects/Account/records?limit=1`)).json()) as { totalSize: number };
  return body.totalSize;
}

// Profiling hook: BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=bench/out/prof' (space-separated node flags).
const workerNodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const ENDED = ['completed', 'failed', 'cancelled', 'paused'];
/** The progress events of the last run, with their arrival time (written out with BENCH_WORKER_LOG_DIR). */
const timeline: string[] = [];

/**
 * When the run ends, from the engine's own progress events (Redis pub/sub, as the web page gets them), so that
 * watching costs the store nothing; a slow poll of the document covers a missed message.
 */
async function finishedAt(services: Services, migrationId: string): Promise<number> {
  const subscriber = services.redis.duplicate({ enableOfflineQueue: true });
  await subscriber.subscribe(eventsChannel(migrationId));
  return new Promise<number>((resolve) => {
    const done = () => {
      const at = performance.now();
      clearInterval(poll);
      subscriber.disconnect();
      resolve(at);
    };
    subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as MigrationEvent;
      timeline.push(`${performance.now().toFixed(0)} ${message}`);
      if (event.type === 'state' && ENDED.includes(event.state)) done();
    });
    const poll = setInterval(() => {
      void getMigration(services, migrationId).then((doc) => { if (ENDED.includes(doc.state)) done(); }, () => undefined);
    }, 2000);
  });
}

/** What a bench measures after the run, with its processes still up (bench/reconcile times a reconciliation there). */
export type AfterRun = (services: Services, migrationId: string, workers: Child[]) => Promise<void>;

export async function dmsRun(file: string, options: Partial<MigrationOptions>, compiled: boolean, workerCount = 2, afterRun?: AfterRun): Promise<DmsRun> {
  const children: Child[] = [];
  let services: Services | undefined;
  const id = randomBytes(4).toString('hex');
  try {
    const couch = await startCouch();
    children.push(couch);
    const emulator = await startEmulatorProcess();
    children.push(emulator);
    const env = {
      NODE_ENV: 'production', LOG_LEVEL: 'info', SECRET_KEY: randomBytes(32).toString('base64'),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', COUCHDB_URL: couch.url, COUCHDB_DB_PREFIX: `bm${id}_`,
      QUEUE_PREFIX: `bench-migrate-${id}`, LOCAL_ORG_URL: emulator.url, DATA_DIR: 'bench/out/data',
      // Experiments with the worker settings, e.g. BENCH_WORKER_ENV='{"WORKER_CONCURRENCY":"2"}'.
      ...(JSON.parse(process.env.BENCH_WORKER_ENV ?? '{}') as Record<string, string>),
    };
    configureLogger({ level: 'warn' });
    services = await connectServices(loadConfig(env));
    const loadStarted = performance.now();
    const dataset = await loadDataset(services, file);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorkerProcess(env, { compiled, nodeArgs: workerNodeArgs })));
    children.push(...workers);
    const mapping = { object: 'Account', fields: COLUMNS.map((c) => ({ column: c, field: c })) };
    const created = await createMigration(services, { connectionId: 'local', datasetId: dataset.id, object: 'Account', operation: 'insert', template: { mapping }, options }, 'bench');
    const cpuBefore = [...workers, emulator, couch].map((c) => cpuSeconds(c.proc.pid));
    const finished = finishedAt(services, created._id);
    const started = performance.now();
    await startMigration(services, created._id, 'bench');
    const seconds = ((await finished) - started) / 1000;
    const doc = await getMigration(services, created._id);
    const cpuUsed = [...workers, emulator, couch].map((c, i) => cpuSeconds(c.proc.pid) - cpuBefore[i]);
    if (doc.state !== 'completed') throw new Error(`migration ended ${doc.state}: ${JSON.stringify(doc.history.at(-1))}\n${workers.map((w) => w.output()).join('\n')}`);
    const result: DmsRun = {
      seconds, loadSeconds, succeeded: doc.totals.succeeded, inEmulator: await emulatorCount(emulator.url), batches: doc.batchCount,
      workerRssMb: workers.map((w) => rssMb(w.proc.pid).peak), emulatorRssMb: rssMb(emulator.proc.pid).peak, couchRssMb: rssMb(couch.proc.pid).peak,
      cpu: { workers: cpuUsed.slice(0, workers.length).reduce((a, b) => a + b, 0), emulator: cpuUsed.at(-2) ?? 0, couch: cpuUsed.at(-1) ?? 0 },
    };
    // Debugging aid: BENCH_WORKER_LOG_DIR=bench/out keeps the tail of each worker's output.
    if (process.env.BENCH_WORKER_LOG_DIR) {
      workers.forEach((w, i) => writeFileSync(`${process.env.BENCH_WORKER_LOG_DIR}/migrate-worker-${i}.log`, w.output()));
      writeFileSync(`${process.env.BENCH_WORKER_LOG_DIR}/migrate-events.log`, `${started.toFixed(0)} start\n${timeline.join('\n')}\n`);
    }
    timeline.length = 0;
    if (result.succeeded !== dataset.rows || result.inEmulator !== dataset.rows) {
      throw new Error(`${dataset.rows} rows: ${result.succeeded} succeeded, ${result.inEmulator} records in the emulator`);
    }
    await afterRun?.(services, created._id, workers);
    const keys = await services.redis.keys(`dms:migration*:${created._id}:*`);
    await services.redis.del(`dms:slots:migration:${created._id}`, ...keys);
    return result;
  } finally {
    for (const child of children.slice(2)) await stop(child);
    if (services) {
      const keys = await services.redis.keys(`bench-migrate-${id}:*`);
      if (keys.length > 0) await services.redis.del(...keys);
      await services.close();
    }
    for (const child of children.slice(0, 2)) await stop(child);
  }
}
