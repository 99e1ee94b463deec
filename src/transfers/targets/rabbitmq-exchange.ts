import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Room, TransferTarget, WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';
import { closedOnFailure, mustExist } from '../rabbitmq.js';

/**
 * A RabbitMQ exchange (the default one, '', routes by queue name) written on a confirm channel: a batch is
 * confirmed when the broker acknowledged every message. The bound is the depth of the queue it feeds.
 */
export class RabbitExchangeTarget implements TransferTarget {
  private constructor(
    private readonly connection: ChannelModel, private readonly channel: ConfirmChannel,
    private readonly exchange: string, private readonly routingKey: string,
    private readonly boundQueue: string | undefined, private readonly bound: number | undefined,
  ) {}

  static async open(
    connection: ChannelModel, exchange: string, routingKey: string, boundQueue: string | undefined, bound: number | undefined,
  ): Promise<RabbitExchangeTarget> {
    return closedOnFailure(connection, async () => {
      const channel = await connection.createConfirmChannel();
      if (exchange !== '') await mustExist(`exchange ${exchange}`, () => channel.checkExchange(exchange));
      return new RabbitExchangeTarget(connection, channel, exchange, routingKey, boundQueue, bound);
    });
  }

  async room(): Promise<Room> {
    const queue = this.boundQueue ?? (this.exchange === '' ? this.routingKey : undefined);
    if (this.bound === undefined || !queue) return {};
    const { messageCount: used } = await this.channel.checkQueue(queue);
    return { free: Math.max(0, this.bound - used), used, limit: this.bound, reason: `queue ${queue} holds ${used} of ${this.bound} messages` };
  }

  async write(records: TransferRecord[]): Promise<WriteOutcome[]> {
    for (const record of records) {
      const body = Buffer.from(JSON.stringify(record));
      this.channel.publish(this.exchange, this.routingKey, body, { persistent: true, contentType: 'application/json' });
    }
    await this.channel.waitForConfirms();
    return records.map((): WriteOutcome => ({ ok: true }));
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
