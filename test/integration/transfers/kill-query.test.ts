import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { killHard, startWorkerProcess, withWorkerProcess } from '../../support/worker-process.js';
import { seed } from '../exports/support.js';
import { writtenKeysOf } from '../../../src/transfers/targets/keyed-xadd.js';
import { REDIS_URL, ended, newRedis, setLatency, readStream, startTransferHarness, unique, waitForTransfer, type TransferHarness } from './support.js';

const RECORDS = 5000;
const BATCH = 250;

/** kill -9 of the worker moving a query's rows into a stream, then another worker: every row in the stream once. */
describe('a query transfer whose worker is killed with SIGKILL mid-way', () => {
  let h: TransferHarness;
  let redis: Redis;
  const streams: string[] = [];
  before(async () => {
    h = await startTransferHarness({}, false);
    redis = newRedis();
    const rows = Array.from({ length: RECORDS }, (_, i) => [`KQ-${i}`, `Killed query ${i}`]);
    await seed(h.conn, 'Account', ['External_Id__c', 'Name'], rows);
  });
  after(async () => {
    for (const stream of streams) await redis.del(stream, writtenKeysOf(stream));
    redis.disconnect();
    await h.close();
  });

  for (const api of ['rest', 'bulk'] as const) {
    it(`${api}: another worker takes over and reads on from the acknowledged position: nothing lost, nothing doubled`, async () => {
      const stream = unique(`killed-${api}`);
      streams.push(stream);
      const env = { WORKER_LOCK_MS: '3000', WORKER_QUEUES: 'transfers' };
      const first = await startWorkerProcess(h.services.config, env);
      await setLatency(h, 100);
      const started = await h.post('/api/v1/transfers').send({
        source: { kind: 'salesforce-query', soql: "SELECT External_Id__c, Name FROM Account WHERE External_Id__c LIKE 'KQ-%'", api },
        target: { kind: 'redis-stream', url: REDIS_URL, stream, keyFields: ['External_Id__c'] },
        batchSize: BATCH,
      }).expect(202);
      const id = started.body.id as string;
      const moving = await waitForTransfer(h, id, (t) => t.counts.recordsOut > 0 || ended(t));
      assert.equal(moving.status, 'running', 'still moving when the kill comes');
      await killHard(first);
      const before = await redis.xlen(stream);
      assert.ok(before > 0 && before < RECORDS, `killed mid-way (${before} of ${RECORDS} in the stream)`);
      await setLatency(h, 0);
      await withWorkerProcess(h.services.config, env, async () => {
        const done = await waitForTransfer(h, id, ended, 120_000);
        assert.equal(done.status, 'completed', JSON.stringify(done.error));
        const ids = (await readStream(redis, stream)).map((e) => e.External_Id__c);
        assert.equal(new Set(ids).size, RECORDS, 'no record lost');
        assert.equal(ids.length, RECORDS, 'no record doubled');
      });
    });
  }
});
