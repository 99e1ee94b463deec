// One measured DMS export: the parser process (compiled, as the Procfile's `parser:` runs it: datasets queue only)
// takes the dataset.export job; timed from createExport (query checked, dataset made, job enqueued) to status ready.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { connectServices, type Services } from '../../src/services.js';
import { configureLogger } from '../../src/logger.js';
import { getDataset } from '../../src/datasets/index.js';
import { createExport } from '../../src/exports/index.js';
import { cpuSeconds, rssMb, startWorkerProcess, stop, type Child } from '../migrate/processes.js';

export interface DmsExport { seconds: number; rows: number; chunks: number; parserRssMb: number; cpu: { parser: number; emulator: number; couch: number } }

export async function dmsExport(couchUrl: string, emulator: Child & { url: string }, couch: Child, soql: string): Promise<DmsExport> {
  const prefix = randomBytes(4).toString('hex');
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'info', DATA_DIR: 'bench/out/data', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', COUCHDB_URL: couchUrl,
    COUCHDB_DB_PREFIX: `bx${prefix}_`, QUEUE_PREFIX: `bench-export-${prefix}`, LOCAL_ORG_URL: emulator.url,
    SECRET_KEY: randomBytes(32).toString('base64'), WORKER_QUEUES: 'datasets', WORKER_CONCURRENCY: '2',
  };
  let services: Services | undefined;
  let parser: Child | undefined;
  try {
    configureLogger({ level: 'warn' });
    services = await connectServices(loadConfig({ ...env, PATH: process.env.PATH ?? '' }));
    parser = await startWorkerProcess(env, { compiled: true, nodeArgs: ['--max-semi-space-size=32'] });
    const cpu0 = { parser: cpuSeconds(parser.proc.pid), emulator: cpuSeconds(emulator.proc.pid), couch: cpuSeconds(couch.proc.pid) };
    const t0 = performance.now();
    const created = await createExport(services, { soql, api: 'auto' }, 'bench');
    let doc = created;
    while (doc.status !== 'ready') {
      if (doc.status === 'failed') throw new Error(`export failed: ${JSON.stringify(doc.error)}`);
      await new Promise((r) => setTimeout(r, 100));
      doc = await getDataset(services.store, created._id);
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds, rows: doc.rowCount, chunks: doc.chunkCount, parserRssMb: rssMb(parser.proc.pid).peak,
      cpu: {
        parser: cpuSeconds(parser.proc.pid) - cpu0.parser, emulator: cpuSeconds(emulator.proc.pid) - cpu0.emulator,
        couch: cpuSeconds(couch.proc.pid) - cpu0.couch,
      },
    };
  } finally {
    await stop(parser);
    if (services) {
      const keys = await services.redis.keys(`${env.QUEUE_PREFIX}:*`);
      if (keys.length > 0) await services.redis.del(...keys);
      const dbs = await services.store.client.server.db.list();
      await Promise.all(dbs.filter((db) => db.startsWith(env.COUCHDB_DB_PREFIX)).map((db) => services?.store.client.server.db.destroy(db)));
      await services.close();
    }
  }
}
