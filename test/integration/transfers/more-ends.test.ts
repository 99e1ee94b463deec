import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { connect, type ChannelModel } from 'amqplib';
import { makeDataset } from '../migrations/harness.js';
import {
  RABBIT_URL, REDIS_URL, ended, fillStream, newRedis, startTransferHarness, unique, waitForTransfer, type TransferHarness,
} from './support.js';

describe('transfers from a dataset and into a database and an exchange', () => {
  let h: TransferHarness;
  let redis: Redis;
  let rabbit: ChannelModel;
  before(async () => {
    h = await startTransferHarness();
    redis = newRedis();
    rabbit = await connect(RABBIT_URL);
  });
  after(async () => {
    await rabbit.close();
    redis.disconnect();
    await h.close();
  });

  it('moves a dataset across its chunks into a CouchDB database by id, and a second run updates instead of adding', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => [`C-${i}`, `Customer ${i}`, i % 2 === 0 ? 'gold' : null]);
    const datasetId = await makeDataset(h.services, ['code', 'name', 'tier'], rows, 70);
    const database = `${h.services.config.couchDbPrefix}${unique('customers')}`;
    await h.services.store.client.server.db.create(database);
    const body = {
      source: { kind: 'dataset', datasetId }, target: { kind: 'couch-database', database, idField: 'code' }, batchSize: 60,
      pipeline: [{ op: 'case', columns: ['name'], mode: 'upper' }],
    };
    for (let run = 0; run < 2; run++) {
      const started = await h.post('/api/v1/transfers').send(body).expect(202);
      const done = await waitForTransfer(h, started.body.id, ended);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      assert.deepEqual([done.counts.recordsIn, done.counts.recordsOut, done.counts.deadLetters], [250, 250, 0]);
      assert.equal(done.position, '250');
    }
    const db = h.services.store.client.server.use<{ name: string; tier: string | null }>(database);
    assert.equal((await db.info()).doc_count, 250, 'the second run updated the same 250 documents');
    const doc = await db.get('C-7');
    assert.deepEqual([doc.name, doc.tier], ['CUSTOMER 7', null]);
  });

  it('publishes into an exchange with confirms and waits while the bound queue is at its depth', async () => {
    const queue = unique('dms-transfer-out');
    const channel = await rabbit.createChannel();
    await channel.assertQueue(queue, { durable: false });
    const source = unique('to-exchange');
    await fillStream(redis, source, Array.from({ length: 60 }, (_, i) => ({ n: String(i) })));
    try {
      const started = await h.post('/api/v1/transfers').send({
        source: { kind: 'redis-stream', url: REDIS_URL, stream: source },
        target: { kind: 'rabbitmq-exchange', url: RABBIT_URL, exchange: '', routingKey: queue }, batchSize: 20, bound: 25,
      }).expect(202);
      const waiting = await waitForTransfer(h, started.body.id, (t) => t.status === 'waiting');
      assert.equal(waiting.counts.recordsOut, 25);
      assert.equal((await channel.checkQueue(queue)).messageCount, 25, 'the queue never passes its bound');
      await channel.purgeQueue(queue);
      await waitForTransfer(h, started.body.id, (t) => t.counts.recordsOut === 50);
      await channel.purgeQueue(queue);
      const done = await waitForTransfer(h, started.body.id, ended);
      assert.equal(done.status, 'completed');
      assert.equal(done.counts.recordsOut, 60);
      const message = await channel.get(queue);
      assert.ok(message, 'the last messages are in the queue');
      assert.ok('n' in (JSON.parse(message.content.toString()) as Record<string, unknown>));
    } finally {
      await channel.deleteQueue(queue);
      await redis.del(source);
    }
  });
});
