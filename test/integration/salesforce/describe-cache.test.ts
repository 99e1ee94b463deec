import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startEmulator, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import { describeObject, openSession } from '../../../src/salesforce/index.js';

let plain: RunningEmulator;
let typed: RunningEmulator;
let redis: Redis;
const connectionId = `describe-cache-${process.pid}`;

before(async () => {
  plain = await startEmulator({ port: 0 });
  typed = await startEmulator({ port: 0, recordTypes: [{ sobjectType: 'Account', developerName: 'Partner' }] });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
after(async () => {
  // This test's connection id is its own: its cached describes go with it.
  const cached = await redis.keys(`dms:describe:${connectionId}:*`);
  if (cached.length > 0) await redis.del(...cached);
  redis.disconnect();
  await plain.close();
  await typed.close();
});

test('a connection pointed at another org reads that org\'s describe, not the first org\'s cached one', async () => {
  const first = await describeObject(redis, await openSession(connectionId, { kind: 'local', url: plain.url }), 'Account');
  assert.equal(first.fields.some((f) => f.name === 'RecordTypeId'), false, 'the first org has no Account record types');
  // Same connection id, now another org (an edited connection): within the cache's 15 minutes.
  const second = await describeObject(redis, await openSession(connectionId, { kind: 'local', url: typed.url }), 'Account');
  assert.equal(second.fields.some((f) => f.name === 'RecordTypeId'), true, 'the second org\'s Account has RecordTypeId');
  const again = await describeObject(redis, await openSession(connectionId, { kind: 'local', url: typed.url }), 'Account');
  assert.deepEqual(again, second, 'and that describe is cached for it');
});
