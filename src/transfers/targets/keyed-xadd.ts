import type { Redis } from 'ioredis';

// A stream target's writes, as Lua scripts: a thousand XADDs a call.

// A batch travels as one JSON argument (an array of string arrays; every value is a string already, so Redis's cjson
// gives back exactly the text sent): ioredis then writes one argument per call instead of one per field, which was
// most of the transfer process's CPU after the JSON parse of the messages (bench/transfers).

/**
 * XADDs each record whose key is not among the keys written in the last `window` ms, and notes the keys, in one
 * script (atomic: a crash leaves either the entry and its key or neither). ARGV: now, window, then the records as
 * JSON, each `[key, field, value, ...]`. Answers the number of entries added.
 */
const SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local added = 0
for _, record in ipairs(cjson.decode(ARGV[3])) do
  if not redis.call('ZSCORE', KEYS[2], record[1]) then
    redis.call('XADD', KEYS[1], '*', unpack(record, 2))
    redis.call('ZADD', KEYS[2], now, record[1])
    added = added + 1
  end
end
redis.call('PEXPIRE', KEYS[2], window)
return added
`;

/** Where the keys written to a stream are kept, next to it. */
export const writtenKeysOf = (stream: string): string => `${stream}:dms-written-keys`;

/** XADDs every record, in order. ARGV[1]: the records as JSON, each `[field, value, ...]`. */
const SCRIPT_ALL = `
for _, fields in ipairs(cjson.decode(ARGV[1])) do
  redis.call('XADD', KEYS[1], '*', unpack(fields))
end
return 0
`;

/** Records per script call: a call holds Redis for its length. */
const RECORDS_PER_CALL = 1000;

/** The records of each call, as the JSON argument: a thousand records a call. */
function callRecords(records: string[][]): string[] {
  const calls: string[] = [];
  for (let from = 0; from < records.length; from += RECORDS_PER_CALL) calls.push(JSON.stringify(records.slice(from, from + RECORDS_PER_CALL)));
  return calls;
}

/** Writes `entries` (a key and a field list each) to `stream`, leaving out those whose key was written within `windowMs`. */
export async function keyedXadd(redis: Redis, stream: string, entries: { key: string; fields: string[] }[], windowMs: number): Promise<number> {
  let added = 0;
  for (const records of callRecords(entries.map(({ key, fields }) => [key, ...fields]))) {
    added += Number(await redis.eval(SCRIPT, 2, stream, writtenKeysOf(stream), Date.now(), windowMs, records));
  }
  return added;
}

/**
 * Writes each field list as an entry of `stream`, in order (the calls go out together on one connection, and Redis
 * runs them in that order). Resolves once Redis answered every call.
 */
export async function xaddAll(redis: Redis, stream: string, fieldLists: string[][]): Promise<void> {
  await Promise.all(callRecords(fieldLists).map((records) => redis.eval(SCRIPT_ALL, 1, stream, records)));
}
