import type { Redis } from 'ioredis';
import { requireBackingServices, type Config } from './config.js';
import { createRedis, redisReady } from './cache/index.js';
import { createStore, type Store } from './store/index.js';
import { createProducer, type Producer } from './queue/index.js';
import { startMetricsFlush, type MetricsFlush } from './metrics/index.js';

/** The backing-service clients a web or worker process shares; built once at boot. */
export interface Services {
  config: Config;
  /** Fail-fast client for caches, pub/sub publishing, counters. */
  redis: Redis;
  store: Store;
  producer: Producer;
  /** This process's metrics buffer, flushed into Redis (src/metrics). */
  metrics: MetricsFlush;
  close(): Promise<void>;
}

/** `role` names the process in the metrics (web, worker). */
export async function connectServices(config: Config, options: { ensureSchema?: boolean; role?: string } = {}): Promise<Services> {
  const { redis: redisSettings, couch } = requireBackingServices(config);
  const redis = createRedis(redisSettings, 'client');
  const producerConnection = createRedis(redisSettings, 'producer');
  await Promise.all([redisReady(redis), redisReady(producerConnection)]);
  const store = createStore(couch);
  if (options.ensureSchema !== false) await store.ensureSchema();
  const producer = createProducer(producerConnection, config.queue.prefix);
  const metrics = startMetricsFlush(redis, config.queue.prefix, options.role ?? 'process');
  return {
    config,
    redis,
    store,
    producer,
    metrics,
    async close() {
      await metrics.stop();
      await producer.close();
      producerConnection.disconnect();
      redis.disconnect();
    },
  };
}
