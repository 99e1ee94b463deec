import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { ChannelModel } from 'amqplib';
import { RedisStreamSource } from '../../../src/transfers/sources/redis-stream.js';
import { RabbitQueueSource } from '../../../src/transfers/sources/rabbitmq-queue.js';
import { connectRabbit } from '../../../src/transfers/rabbitmq.js';
import { fillStream, newRedis, RABBIT_URL, rabbitQueueWith, StreamNames, unique } from './support.js';

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
    const channel = await publisher.createChannel();
    const deadline = Date.now() + 30_000;
    while ((await channel.checkQueue(queue)).messageCount !== 20) {
      assert.ok(Date.now() < deadline, 'the unacknowledged messages return to the queue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await channel.deleteQueue(queue);
    await publisher.close();
  });
});
