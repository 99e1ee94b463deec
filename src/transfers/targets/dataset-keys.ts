import type { Redis } from 'ioredis';

/**
 * Notes keys at the rows after `confirmed` (ARGV[1]) in KEYS[1] (key -> row), and the write in KEYS[2] (its time as
 * member, its last row as score), in one script. First drops what a run that died noted past the confirmed rows,
 * then the keys of writes older than the window (rows only grow with time once those are dropped).
 * ARGV: confirmed rows, now, window, then the keys in row order.
 */
const NOTE = `
local confirmed = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. confirmed, '+inf')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. confirmed, '+inf')
local expired = 0
local writes = redis.call('ZRANGE', KEYS[2], 0, 999, 'WITHSCORES')
for i = 1, #writes, 2 do
  if tonumber(writes[i]) >= now - window then break end
  expired = tonumber(writes[i + 1])
end
if expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', expired)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', expired)
end
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], confirmed + i - 3, ARGV[i]) end
redis.call('ZADD', KEYS[2], confirmed + #ARGV - 3, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('PEXPIRE', KEYS[2], window)
`;

/** Keys per command: a call holds Redis for its length. */
const KEYS_PER_CALL = 1000;

/**
 * The keys of the rows a dataset target wrote, kept in DMS's Redis with their row numbers. A key counts as written
 * only at a row the dataset confirmed (its row count, stored after the rows and their keys): keys a run that died
 * noted past it are not, and are dropped at the next write. Kept for `windowMs` after the write that noted them.
 */
export class DatasetWrittenKeys {
  private readonly rowsKey: string;
  private readonly writesKey: string;

  constructor(private readonly redis: Redis, base: string, private readonly windowMs: number) {
    this.rowsKey = `${base}:rows`;
    this.writesKey = `${base}:writes`;
  }

  /** For each key, whether it was written at one of the first `confirmed` rows. */
  async written(keys: string[], confirmed: number): Promise<boolean[]> {
    const slices: string[][] = [];
    for (let from = 0; from < keys.length; from += KEYS_PER_CALL) slices.push(keys.slice(from, from + KEYS_PER_CALL));
    // Independent reads: sent together on the one connection, answered in order.
    const replies = await Promise.all(slices.map((slice) => this.redis.zmscore(this.rowsKey, ...slice) as Promise<(string | null)[]>));
    return replies.flat().map((row) => row !== null && Number(row) <= confirmed);
  }

  /** Notes `keys` at the rows after `confirmed`, in order (before the row count that confirms them is stored). */
  async note(keys: string[], confirmed: number): Promise<void> {
    for (let from = 0; from < keys.length; from += KEYS_PER_CALL) {
      const args = [confirmed + from, Date.now(), this.windowMs, ...keys.slice(from, from + KEYS_PER_CALL)];
      await this.redis.eval(NOTE, 2, this.rowsKey, this.writesKey, ...args);
    }
  }

  /** The dataset is finished: nothing is written to it again. */
  async clear(): Promise<void> {
    await this.redis.del(this.rowsKey, this.writesKey);
  }
}
