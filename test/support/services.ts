import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import { connectServices, type Services } from '../../src/services.js';
import { configureLogger } from '../../src/logger.js';

/**
 * Integration-test wiring: real Redis (REDIS_URL, default 127.0.0.1:6379) and the CouchDB-compatible
 * server started by scripts/run-tests.mjs (COUCHDB_URL), with a random database and queue prefix per
 * test so tests never see each other's data.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const id = randomBytes(4).toString('hex');
  if (!process.env.COUCHDB_URL) throw new Error('COUCHDB_URL is not set: run integration tests through `npm test` (scripts/run-tests.mjs)');
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    COUCHDB_URL: process.env.COUCHDB_URL,
    COUCHDB_DB_PREFIX: `t${id}_`,
    QUEUE_PREFIX: `test-${id}`,
    PATH: process.env.PATH ?? '',
    ...overrides,
  });
}

/** Connects to the real services and returns a cleanup that deletes this test's databases and queue keys. */
export async function connectTestServices(overrides: Record<string, string> = {}): Promise<Services & { cleanup(): Promise<void> }> {
  const config = testConfig(overrides);
  configureLogger({ level: config.logLevel });
  const services = await connectServices(config);
  return Object.assign(services, {
    async cleanup() {
      const dbs = await services.store.client.server.db.list();
      await Promise.all(dbs.filter((db) => db.startsWith(config.couchDbPrefix)).map((db) => services.store.client.server.db.destroy(db)));
      const keys = await services.redis.keys(`${config.queue.prefix}:*`);
      if (keys.length > 0) await services.redis.del(...keys);
      await services.close();
    },
  });
}
