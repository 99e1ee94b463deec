import type { Redis } from 'ioredis';
import type { SourceBatch, SourceEntry, TransferSource } from '../ends.js';
import type { TransferRecord } from '../model.js';

type StreamReply = [stream: string, entries: [id: string, fields: string[] | null][]][] | null;

/** A stream entry's field list (`k1 v1 k2 v2`) as a record of text values. */
export function entryRecord(fields: string[]): TransferRecord {
  const record: TransferRecord = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

/**
 * A Redis Stream read through a consumer group, as one consumer per transfer: after a crash the same consumer
 * reads its pending entries (delivered, not acknowledged) again before new ones. An entry is acknowledged and
 * deleted (XACK + XDEL, one MULTI) only after the target confirmed it.
 */
export class RedisStreamSource implements TransferSource {
  /**
   * '0' reads this consumer's pending entries (then those after the last one read: a read ahead must not read
   * the pending batch being written again); '>' new ones, once no entry is pending.
   */
  private from = '0';
  readonly readAhead = true;

  private constructor(
    private readonly redis: Redis, private readonly stream: string, private readonly group: string, private readonly consumer: string,
  ) {}

  static async open(redis: Redis, stream: string, group: string, consumer: string): Promise<RedisStreamSource> {
    try {
      await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    return new RedisStreamSource(redis, stream, group, consumer);
  }

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    const pending = this.from !== '>';
    const group = ['GROUP', this.group, this.consumer, 'COUNT', max] as const;
    const reply = (pending
      ? await this.redis.xreadgroup(...group, 'STREAMS', this.stream, this.from)
      : await this.redis.xreadgroup(...group, 'BLOCK', Math.max(1, waitMs), 'STREAMS', this.stream, '>')) as StreamReply;
    const entries = reply?.[0]?.[1] ?? [];
    if (pending && entries.length === 0) {
      this.from = '>';
      return this.read(max, waitMs);
    }
    if (pending) this.from = entries[entries.length - 1][0];
    const gone = entries.filter(([, fields]) => fields === null).map(([id]) => id);
    // An entry deleted while pending has no fields left: nothing to move, only to acknowledge.
    if (gone.length > 0) await this.redis.xack(this.stream, this.group, ...gone);
    return { entries: entries.flatMap(([id, fields]): SourceEntry[] => (fields === null ? [] : [{ key: id, record: entryRecord(fields) }])) };
  }

  async ack(batch: SourceBatch): Promise<void> {
    if (batch.entries.length === 0) return;
    const ids = batch.entries.map((e) => e.key);
    await this.redis.multi().xack(this.stream, this.group, ...ids).xdel(this.stream, ...ids).exec();
  }

  async lag(): Promise<number | undefined> {
    const groups = (await this.redis.xinfo('GROUPS', this.stream)) as (string | number | null)[][];
    for (const fields of groups) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      if (info.get('name') !== this.group) continue;
      const unread = info.get('lag');
      return Number(info.get('pending') ?? 0) + (typeof unread === 'number' ? unread : 0);
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
