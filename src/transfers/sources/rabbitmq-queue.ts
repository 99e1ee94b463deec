import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { cutBatch, type SourceBatch, type TransferSource } from '../ends.js';
import { closedOnFailure, messageRecord, mustExist } from '../rabbitmq.js';

/** How long a read that has some messages waits for more to fill its batch. */
const FILL_MS = 20;

/** The broker's prefetch is a 16-bit count. */
const PREFETCH_MAX = 65_535;

/**
 * A RabbitMQ queue consumed with manual acknowledgements and a prefetch of two batches (the next one arrives while
 * the target writes this one): the broker holds the rest until a batch is acknowledged (after the target confirmed
 * it), and delivers unacknowledged messages again when the connection drops.
 */
export class RabbitQueueSource implements TransferSource {
  private readonly buffer: ConsumeMessage[] = [];
  /** Each batch's deliveries: acknowledging the last acknowledges the batch (and any before it). */
  private readonly deliveriesOf = new WeakMap<SourceBatch, ConsumeMessage[]>();
  private unacknowledged = 0;
  private arrived: (() => void) | undefined;
  readonly readAhead = true;

  private constructor(private readonly connection: ChannelModel, private readonly channel: Channel, private readonly queue: string) {}

  static async open(connection: ChannelModel, queue: string, batchSize: number): Promise<RabbitQueueSource> {
    return closedOnFailure(connection, async () => {
      const channel = await connection.createChannel();
      await mustExist(`queue ${queue}`, () => channel.checkQueue(queue));
      await channel.prefetch(Math.min(PREFETCH_MAX, 2 * batchSize));
      const source = new RabbitQueueSource(connection, channel, queue);
      await channel.consume(queue, (message) => {
        if (!message) return;
        source.buffer.push(message);
        source.arrived?.();
      }, { noAck: false });
      return source;
    });
  }

  /** Waits until the buffer holds `count` messages or `ms` passed; one timer, woken once by the delivery that fills it. */
  private async waitFor(count: number, ms: number): Promise<void> {
    if (this.buffer.length >= count || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.arrived = () => {
        if (this.buffer.length < count) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.arrived = undefined;
  }

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    await this.waitFor(1, waitMs);
    // Empty only when the broker says so too: a busy broker may be slow to deliver after an acknowledgement.
    while (this.buffer.length === 0 && (await this.channel.checkQueue(this.queue)).messageCount > 0) await this.waitFor(1, waitMs);
    if (this.buffer.length > 0) await this.waitFor(max, FILL_MS);
    const taken = this.buffer.splice(0, max);
    const entries = taken.map((message) => {
      const key = typeof message.properties.messageId === 'string' ? message.properties.messageId : `delivery-${message.fields.deliveryTag}`;
      return { key, record: messageRecord(message.content) };
    });
    const batch: SourceBatch = { entries };
    this.deliveriesOf.set(batch, taken);
    this.unacknowledged += taken.length;
    return batch;
  }

  split(batch: SourceBatch, count: number): [SourceBatch, SourceBatch] {
    const deliveries = this.deliveriesOf.get(batch) ?? [];
    const [first, rest] = cutBatch(batch, count);
    this.deliveriesOf.set(first, deliveries.slice(0, count));
    this.deliveriesOf.set(rest, deliveries.slice(count));
    return [first, rest];
  }

  async ack(batch: SourceBatch): Promise<void> {
    const last = this.deliveriesOf.get(batch)?.at(-1);
    if (!last) return;
    // Every delivery up to the batch's last: the broker delivers in order on one channel.
    this.channel.ack(last, true);
    this.unacknowledged -= batch.entries.length;
  }

  async lag(): Promise<number | undefined> {
    const { messageCount } = await this.channel.checkQueue(this.queue);
    return messageCount + this.buffer.length + this.unacknowledged;
  }

  async close(): Promise<void> {
    // The channel first: its close-ok comes after the broker took every ack sent on it. Closing only the connection
    // may drop the last batch's ack, and the broker then delivers that batch again to the next run.
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
