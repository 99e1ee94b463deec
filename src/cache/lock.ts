import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

/**
 * Takes `key` for `ttlMs` unless another process holds it. Not released: holding it for a period is the point
 * (one sweep per period, however many processes try).
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number, holder: string): Promise<boolean> {
  return (await redis.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK';
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Deletes the key only while `holder` holds it (a lock that expired and was retaken is not ours). */
export async function releaseLock(redis: Redis, key: string, holder: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, holder);
}

/**
 * Runs `work` while holding `key` across every process sharing this Redis: waits its turn (polling briefly),
 * throws LOCK_TIMEOUT after `waitMs`. `ttlMs` frees the key if the holder dies mid-work.
 */
export async function withLock<T>(redis: Redis, key: string, work: () => Promise<T>, options: { ttlMs: number; waitMs: number }): Promise<T> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + options.waitMs;
  let pause = 2;
  while (!(await tryLock(redis, key, options.ttlMs, token))) {
    if (Date.now() > deadline) throw new AppError('LOCK_TIMEOUT', 503, `Waited ${options.waitMs} ms for ${key}; another process holds it. Try again.`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 25);
  }
  try {
    return await work();
  } finally {
    await releaseLock(redis, key, token);
  }
}
