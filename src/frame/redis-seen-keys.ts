import type { Redis } from 'ioredis';
import type { SeenKeys } from './seen-keys.js';

/**
 * One Redis hash per run: field = dedupe key, value = the row that owns it (or '' without rows).
 * A Lua script does HSETNX and, for a key already there, compares its owner, so a retried chunk
 * keeps its own rows; the hash expires `ttlSeconds` after the last write.
 */
const SCRIPT = `
local ttl = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV, 2 do
  local key, row = ARGV[i], ARGV[i + 1]
  if redis.call('HSETNX', KEYS[1], key, row) == 1 then
    out[#out + 1] = 1
  elseif row ~= '' and redis.call('HGET', KEYS[1], key) == row then
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
redis.call('EXPIRE', KEYS[1], ttl)
return out
`;

/** Keys per script call: bounds the time one call blocks Redis. */
const BATCH = 2_000;

export class RedisSeenKeys implements SeenKeys {
  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async addMany(keys: string[], rows?: number[]): Promise<boolean[]> {
    const result: boolean[] = [];
    for (let start = 0; start < keys.length; start += BATCH) {
      const args: string[] = [String(this.ttlSeconds)];
      for (let i = start; i < Math.min(start + BATCH, keys.length); i++) {
        args.push(keys[i], rows?.[i] === undefined ? '' : String(rows[i]));
      }
      const answer = (await this.client.eval(SCRIPT, 1, this.key, ...args)) as number[];
      for (const flag of answer) result.push(flag === 1);
    }
    return result;
  }

  /** Removes the run's set (when the run is finished or restarted from scratch). */
  async clear(): Promise<void> {
    await this.client.del(this.key);
  }
}
