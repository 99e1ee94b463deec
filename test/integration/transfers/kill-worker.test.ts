import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { killHard, startWorkerProcess, withWorkerProcess } from '../../support/worker-process.js';
import { REDIS_URL, ended, fillStream, newRedis, setLatency, startTransferHarness, unique, waitForTransfer, type TransferHarness } from './support.js';

const RECORDS = 12_000;

/** kill -9 of the worker moving a stream into the org, then another worker: every record in the org exactly once. */
describe('a transfer whose worker is killed with SIGKILL mid-way', () => {
  let h: TransferHarness;
  let redis: Redis;
  const stream = unique('killed');
  before(async () => {
    h = await startTransferHarness({}, false);
    redis = newRedis();
    await fillStream(redis, stream, Array.from({ length: RECORDS }, (_, i) => ({ External_Id__c: `K-${i}`, Name: `Killed ${i}` })));
  });
  after(async () => {
    await redis.del(stream);
    redis.disconnect();
    await h.close();
  });

  it('is taken over by another worker, which reads the unacknowledged batch again: nothing lost, nothing doubled', async () => {
    const env = { WORKER_LOCK_MS: '3000', WORKER_QUEUES: 'transfers' };
    const first = await startWorkerProcess(h.services.config, env);
    await setLatency(h, 30);
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream },
      target: { kind: 'salesforce', object: 'Account', externalIdField: 'External_Id__c', api: 'collections' },
      batchSize: 400,
    }).expect(202);
    const id = started.body.id as string;
    const moving = await waitForTransfer(h, id, (t) => t.counts.recordsOut > 0 || ended(t));
    assert.equal(moving.status, 'running', 'still moving when the kill comes');
    await killHard(first);
    assert.ok((await redis.xlen(stream)) > 0, 'records were left to move');
    await setLatency(h, 0);
    await withWorkerProcess(h.services.config, env, async () => {
      const done = await waitForTransfer(h, id, ended, 120_000);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      assert.equal(await redis.xlen(stream), 0);
      const result = await h.conn.query<{ External_Id__c: string }>("SELECT External_Id__c FROM Account WHERE External_Id__c LIKE 'K-%'");
      const ids: string[] = result.records.map((r) => r.External_Id__c);
      for (let next = result.nextRecordsUrl; next; ) {
        const page = await h.conn.queryMore<{ External_Id__c: string }>(next);
        ids.push(...page.records.map((r) => r.External_Id__c));
        next = page.nextRecordsUrl;
      }
      assert.equal(ids.length, RECORDS, 'no record doubled');
      assert.equal(new Set(ids).size, RECORDS, 'no record lost');
    });
  });
});
