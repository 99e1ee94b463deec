import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config.js';
import { logger } from '../logger.js';

/**
 * BullMQ's production rules: workers block and must retry forever (maxRetriesPerRequest: null);
 * producers and plain clients fail fast instead of queueing commands while Redis is away.
 */
export type RedisRole = 'worker' | 'producer' | 'client';

export function createRedis(settings: RedisSettings, role: RedisRole): Redis {
  const url = new URL(settings.url);
  const options: RedisOptions = {
    connectionName: `dms-${role}`,
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  };
  if (url.protocol === 'rediss:') {
    options.tls = { servername: url.hostname, ...(settings.tlsCa ? { ca: settings.tlsCa } : {}) };
  }
  const redis = new Redis(settings.url, options);
  redis.on('error', (error: Error) => logger('queue').warn({ err: error, role }, 'redis connection error'));
  return redis;
}

/** Waits until the connection is ready, or rejects with a message naming the URL's host. */
export async function redisReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${redis.options.host}:${redis.options.port} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}
