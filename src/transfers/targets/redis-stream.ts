import type { Redis } from 'ioredis';
import type { Room, TransferTarget, WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';
import { keyedXadd, xaddAll } from './keyed-xadd.js';
import { keyMissing, recordKey, type RecordKeys } from './record-keys.js';

/** A record as a stream entry's field list; null fields are left out (a reader sees them missing). */
export function entryFields(record: TransferRecord): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) if (value !== null) fields.push(key, String(value));
  return fields;
}

const empty: WriteOutcome = { ok: false, code: 'EMPTY_RECORD', reason: 'The record has no field with a value: a stream entry needs one.' };

/**
 * A Redis Stream written with XADD, one pipeline per batch (confirmed when every reply came back). The bound is
 * its length: a batch takes at most the room left under it, and waits while XLEN is at it (never trimmed: backpressure, not loss).
 * With key fields, a record whose key was written within the window is not written again (a batch read again after
 * a crash), so the stream gets every record once.
 */
export class RedisStreamTarget implements TransferTarget {
  constructor(
    private readonly redis: Redis, private readonly stream: string, private readonly bound: number | undefined,
    private readonly keys?: RecordKeys,
  ) {}

  async room(): Promise<Room> {
    if (this.bound === undefined) return {};
    const used = await this.redis.xlen(this.stream);
    return { free: Math.max(0, this.bound - used), used, limit: this.bound, reason: `stream ${this.stream} holds ${used} of ${this.bound} entries` };
  }

  async write(records: TransferRecord[]): Promise<WriteOutcome[]> {
    return this.keys ? this.writeKeyed(records, this.keys) : this.writeAll(records);
  }

  private async writeAll(records: TransferRecord[]): Promise<WriteOutcome[]> {
    const lists: string[][] = [];
    const outcomes = records.map((record): WriteOutcome => {
      const fields = entryFields(record);
      if (fields.length === 0) return empty;
      lists.push(fields);
      return { ok: true };
    });
    await xaddAll(this.redis, this.stream, lists);
    return outcomes;
  }

  private async writeKeyed(records: TransferRecord[], keys: RecordKeys): Promise<WriteOutcome[]> {
    const noKey = keyMissing(keys.fields);
    const entries: { key: string; fields: string[] }[] = [];
    const outcomes = records.map((record): WriteOutcome => {
      const key = recordKey(record, keys.fields);
      if (key === undefined) return noKey;
      entries.push({ key, fields: entryFields(record) });
      return { ok: true };
    });
    await keyedXadd(this.redis, this.stream, entries, keys.windowMs);
    return outcomes;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
