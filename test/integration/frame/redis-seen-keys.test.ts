import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisSeenKeys } from '../../../src/frame/redis-seen-keys.js';

describe('dedupe keys shared through real Redis', () => {
  let a: Redis;
  let b: Redis;
  const key = `test:seen:${randomBytes(4).toString('hex')}`;
  before(() => {
    a = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    b = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  after(async () => {
    await a.del(key);
    a.disconnect();
    b.disconnect();
  });

  test('a key is new only once, across chunks and across two workers (connections)', async () => {
    const worker1 = new RedisSeenKeys(a, key, 60);
    const worker2 = new RedisSeenKeys(b, key, 60);
    assert.deepEqual(await worker1.addMany(['acme', 'globex', 'acme'], [1, 2, 3]), [true, true, false]);
    assert.deepEqual(await worker2.addMany(['globex', 'initech'], [4, 5]), [false, true]);
    assert.ok((await a.ttl(key)) > 0 && (await a.ttl(key)) <= 60, 'the set expires');
  });

  test('a chunk processed again after a crash keeps its own rows (idempotent)', async () => {
    const seen = new RedisSeenKeys(a, key, 60);
    assert.deepEqual(await seen.addMany(['acme', 'globex', 'initech'], [1, 2, 5]), [true, true, true]);
    assert.deepEqual(await seen.addMany(['acme'], [9]), [false], 'a later row with the same key is still a duplicate');
  });

  test('unicode keys and more keys than one script call takes', async () => {
    const seen = new RedisSeenKeys(a, `${key}:big`, 60);
    const keys = Array.from({ length: 4500 }, (_, i) => `客户-${i % 3000}`);
    const flags = await seen.addMany(keys, keys.map((_, i) => i + 1));
    assert.equal(flags.filter(Boolean).length, 3000);
    assert.equal(flags[2999], true);
    assert.equal(flags[3000], false);
    await seen.clear();
    assert.equal(await a.exists(`${key}:big`), 0);
  });
});
