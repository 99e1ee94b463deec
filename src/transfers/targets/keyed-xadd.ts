import type { Redis } from 'ioredis';

// A stream target's writes, as Lua scripts: a thousand XADDs a call.

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

/**
 * XADDs every record, in order. ARGV: per record its field count and its fields. One script call carries a thousand
 * records as one command: ioredis builds and answers one command instead of one per record, which took the
 * transfer's process about 2.5x the CPU (bench/transfers).
 */
const SCRIPT_ALL = `
local i = 1
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + n))
  i = i + 1 + n
end
return 0
`;

/** Records per script call: a call holds Redis for its length. */
const RECORDS_PER_CALL = 1000;

/** The script arguments of each call: `head`, then per record `record(...)`, a thousand records a call. */
function callArgs<T>(records: T[], head: () => (string | number)[], record: (r: T) => (string | number)[]): (string | number)[][] {
  const calls: (string | number)[][] = [];
  for (let from = 0; from < records.length; from += RECORDS_PER_CALL) {
    const args = head();
    for (const r of records.slice(from, from + RECORDS_PER_CALL)) args.push(...record(r));
    calls.push(args);
  }
  return calls;
}

/** Writes `entries` (a key and a field list each) to `stream`, leaving out those whose key was written within `windowMs`. */
export async function keyedXadd(redis: Redis, stream: string, entries: { key: string; fields: string[] }[], windowMs: number): Promise<number> {
  let added = 0;
  const calls = callArgs(entries, () => [Date.now(), windowMs], ({ key, fields }) => [key, fields.length, ...fields]);
  for (const args of calls) added += Number(await redis.eval(SCRIPT, 2, stream, writtenKeysOf(stream), ...args));
  return added;
}

/**
 * Writes each field list as an entry of `stream`, in order (the calls go out together on one connection, and Redis
 * runs them in that order). Resolves once Redis answered every call.
 */
export async function xaddAll(redis: Redis, stream: string, fieldLists: string[][]): Promise<void> {
  const calls = callArgs(fieldLists, () => [], (fields) => [fields.length, ...fields]);
  await Promise.all(calls.map((args) => redis.eval(SCRIPT_ALL, 1, stream, ...args)));
}
