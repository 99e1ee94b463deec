import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { ChannelModel } from 'amqplib';
import { RedisStreamSource } from '../../../src/transfers/sources/redis-stream.js';
import { RabbitQueueSource } from '../../../src/transfers/sources/rabbitmq-queue.js';
import { connectRabbit } from '../../../src/transfers/rabbitmq.js';
import {
  REDIS_URL, fillStream, newRedis, RABBIT_URL, rabbitQueueWith, readStream, StreamNames, transferSuite, unique, waitForTransfer,
} from './support.js';

/** Waits until the queue holds `count` messages ready (unacknowledged ones come back when their channel closes). */
async function queueDepthReaches(publisher: ChannelModel, queue: string, count: number): Promise<void> {
  const channel = await publisher.createChannel();
  const deadline = Date.now() + 30_000;
  while ((await channel.checkQueue(queue)).messageCount !== count) {
    assert.ok(Date.now() < deadline, `the queue holds ${count} messages again`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await channel.deleteQueue(queue);
  await publisher.close();
}

/**
 * The engine reads the next batch while the target writes the current one (sources with `readAhead`): a read
 * before the last batch is acknowledged must answer the records after it, never the same ones again.
 */
describe('reading the next batch before this one is acknowledged', () => {
  let redis: Redis;
  let streams: StreamNames;
  before(() => {
    redis = newRedis();
    streams = new StreamNames(redis);
  });
  after(async () => {
    await streams.drop();
    redis.disconnect();
  });

  it('a Redis Stream: pending entries left by a crashed run, then new ones, each read once', async () => {
    const stream = streams.add('ahead-in');
    await fillStream(redis, stream, Array.from({ length: 40 }, (_, i) => ({ n: String(i) })));
    await redis.xgroup('CREATE', stream, 'g', '0');
    // A run that read 25 entries (a batch and the one read ahead) and died before acknowledging them.
    await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 25, 'STREAMS', stream, '>');

    const source = await RedisStreamSource.open(newRedis(), stream, 'g', 'c');
    try {
      assert.equal(source.readAhead, true);
      const seen: string[] = [];
      const batches: number[] = [];
      for (;;) {
        const batch = await source.read(10, 100);
        if (batch.entries.length === 0) break;
        batches.push(batch.entries.length);
        seen.push(...batch.entries.map((e) => String(e.record.n)));
      }
      assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => String(i)), 'every entry once, in order: the pending ones first');
      assert.deepEqual(batches, [10, 10, 5, 10, 5]);
      assert.equal(Number((await redis.xpending(stream, 'g'))[0]), 40, 'nothing acknowledged before the target confirmed');
    } finally {
      await source.close();
    }
  });

  it('a RabbitMQ queue: two batches delivered before the first is acknowledged, acknowledging one leaves the other', async () => {
    const queue = unique('dms-ahead');
    const publisher: ChannelModel = await rabbitQueueWith(queue, Array.from({ length: 30 }, (_, n) => ({ n })));
    const source = await RabbitQueueSource.open(await connectRabbit(RABBIT_URL), queue, 10);
    try {
      const first = await source.read(10, 1000);
      const second = await source.read(10, 1000);
      assert.deepEqual(first.entries.map((e) => e.record.n), Array.from({ length: 10 }, (_, n) => n));
      assert.deepEqual(second.entries.map((e) => e.record.n), Array.from({ length: 10 }, (_, n) => n + 10), 'the prefetch holds two batches');
      await source.ack(first);
      const third = await source.read(10, 1000);
      assert.deepEqual(third.entries.map((e) => e.record.n), Array.from({ length: 10 }, (_, n) => n + 20));
      assert.equal(await source.lag(), 20, 'the second and third batches are still unacknowledged');
    } finally {
      await source.close();
    }
    // Closed with two batches unacknowledged: the broker has them again for the next run.
    await queueDepthReaches(publisher, queue, 20);
  });

  it('a RabbitMQ batch cut in two: its first part is acknowledged alone, the rest returns to the queue', async () => {
    const queue = unique('dms-split');
    const publisher = await rabbitQueueWith(queue, Array.from({ length: 10 }, (_, n) => ({ n })));
    const source = await RabbitQueueSource.open(await connectRabbit(RABBIT_URL), queue, 10);
    try {
      const [first, rest] = source.split(await source.read(10, 1000), 4);
      assert.deepEqual(first.entries.map((e) => e.record.n), [0, 1, 2, 3]);
      assert.deepEqual(rest.entries.map((e) => e.record.n), [4, 5, 6, 7, 8, 9]);
      await source.ack(first);
      assert.equal(await source.lag(), 6, 'the rest is still unacknowledged');
    } finally {
      await source.close();
    }
    await queueDepthReaches(publisher, queue, 6);
  });

  it('a batch acknowledged just before the source closes stays acknowledged: nothing comes back to the queue', async () => {
    const queue = unique('dms-last-ack');
    const publisher = await rabbitQueueWith(queue, Array.from({ length: 2000 }, (_, n) => ({ n })));
    const source = await RabbitQueueSource.open(await connectRabbit(RABBIT_URL), queue, 1000);
    try {
      for (let read = 0; read < 2000; ) {
        const batch = await source.read(1000, 1000);
        await source.ack(batch);
        read += batch.entries.length;
      }
      await source.close();
      const channel = await publisher.createChannel();
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      assert.deepEqual({ messageCount, consumerCount }, { messageCount: 0, consumerCount: 0 }, 'the last acknowledgement reached the broker before the connection closed');
      await channel.deleteQueue(queue);
    } finally {
      await publisher.close();
    }
  });
});

/**
 * A batch read ahead while the target had room may find less room when its turn comes (another writer filled the
 * target meanwhile): what fits is written and acknowledged, the rest waits for room, read and not acknowledged.
 */
describe('a batch read ahead that is larger than the room left in a bounded target', () => {
  const suite = transferSuite();

  it('is split: what fits is written and acknowledged, the rest is written once the target has room', async () => {
    const { h, redis } = suite;
    const source = suite.stream('split-in');
    const target = suite.stream('split-out');
    await fillStream(redis, source, Array.from({ length: 100 }, (_, n) => ({ n: String(n) })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source, group: 'split' },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
      batchSize: 100, bound: 250, mode: 'continuous',
    }).expect(202);
    const id = started.body.id as string;
    // With room for two batches, the next is read (blocking: the source is empty) while the first is written.
    const deadline = Date.now() + 60_000;
    while ((await redis.xlen(target)) < 100) {
      assert.ok(Date.now() < deadline, 'the first batch is written');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Another writer leaves room for 20 in the target; then 100 more records arrive for the read waiting on them.
    const fill = redis.multi();
    for (let i = 0; i < 130; i++) fill.xadd(target, '*', 'filler', String(i));
    for (let n = 100; n < 200; n++) fill.xadd(source, '*', 'n', String(n));
    const fillers = ((await fill.exec()) ?? []).slice(0, 130).map(([, entryId]) => String(entryId));

    const split = await waitForTransfer(h, id, (t) => t.status === 'waiting' && t.counts.recordsOut === 120);
    assert.deepEqual([split.boundState.used, split.boundState.limit], [250, 250]);
    assert.equal(Number((await redis.xpending(source, 'split'))[0]), 80, 'the rest of the batch read ahead: read, not acknowledged');
    assert.equal(await redis.xlen(source), 80, 'the 20 written are acknowledged and deleted');

    // The target's consumer takes the other writer's entries: the rest of the batch is written.
    await redis.xdel(target, ...fillers);
    const done = await waitForTransfer(h, id, (t) => t.counts.recordsOut === 200);
    assert.deepEqual([done.counts.recordsIn, done.counts.batches], [200, 3]);
    assert.deepEqual((await readStream(redis, target)).map((e) => Number(e.n)), Array.from({ length: 200 }, (_, n) => n), 'each once, in order');
    assert.equal(await redis.xlen(source), 0);
    await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
  });
});
