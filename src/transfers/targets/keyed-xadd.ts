import type { Redis } from 'ioredis';

/**
 * XADDs each record whose key is not among the keys written in the last `window` ms, and notes the keys, in one
 * script (atomic: a crash leaves either the entry and its key or neither). ARGV: now, window, then per record its
 * key, its field count and its fields. Answers the number of entries added.
 */
const SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local added = 0
local i = 3
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    local fields = {}
    for j = 1, n do fields[j] = ARGV[i + 1 + j] end
    redis.call('XADD', KEYS[1], '*', unpack(fields))
    redis.call('ZADD', KEYS[2], now, ARGV[i])
    added = added + 1
  end
  i = i + 2 + n
end
redis.call('PEXPIRE', KEYS[2], window)
return added
`;

/** Where the keys written to a stream are kept, next to it. */
export const writtenKeysOf = (stream: string): string => `${stream}:dms-written-keys`;

/** Records per script call: a call holds Redis for its length. */
const RECORDS_PER_CALL = 1000;

/** Writes `entries` (a key and a field list each) to `stream`, leaving out those whose key was written within `windowMs`. */
export async function keyedXadd(redis: Redis, stream: string, entries: { key: string; fields: string[] }[], windowMs: number): Promise<number> {
  let added = 0;
  for (let from = 0; from < entries.length; from += RECORDS_PER_CALL) {
    const args: (string | number)[] = [Date.now(), windowMs];
    for (const { key, fields } of entries.slice(from, from + RECORDS_PER_CALL)) args.push(key, fields.length, ...fields);
    added += Number(await redis.eval(SCRIPT, 2, stream, writtenKeysOf(stream), ...args));
  }
  return added;
}
