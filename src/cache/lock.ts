import type { Redis } from 'ioredis';

/**
 * Takes `key` for `ttlMs` unless another process holds it. Not released: holding it for a period is the point
 * (one sweep per period, however many processes try).
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number, holder: string): Promise<boolean> {
  return (await redis.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK';
}
