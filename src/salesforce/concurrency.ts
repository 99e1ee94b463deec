import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A counting semaphore shared by every process through Redis: a sorted set of holders scored by
 * their lease expiry, so a holder that dies (kill -9) frees its slot when the lease runs out.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
`;

/** Salesforce allows 25 concurrent long-running requests per production org. */
export const ORG_SLOTS = 25;

export interface Slot {
  readonly token: string;
  /** Pushes the lease out (call while a long step runs). */
  extend(): Promise<void>;
  release(): Promise<void>;
}

export class SlotLimiter {
  constructor(private readonly redis: Redis, private readonly key: string, private readonly limit: number, private readonly leaseMs = 60_000) {}

  /**
   * Takes a slot now, or answers undefined when all are held. `holder` names the work that holds it (a batch): the
   * same work asking again takes back the slot it already holds, so a worker killed mid-batch does not keep the slot
   * from the worker that resumes that batch until the lease runs out. Without a holder every call is a new holder.
   */
  async tryAcquire(holder?: string): Promise<Slot | undefined> {
    const token = holder ?? randomUUID();
    const now = Date.now();
    const got = (await this.redis.eval(ACQUIRE, 1, this.key, String(now), String(this.limit), String(now + this.leaseMs), token, String(this.leaseMs * 2))) as number;
    if (got !== 1) return undefined;
    return {
      token,
      extend: async () => {
        await this.redis.zadd(this.key, 'XX', Date.now() + this.leaseMs, token);
      },
      release: async () => {
        await this.redis.zrem(this.key, token);
      },
    };
  }

  async inUse(): Promise<number> {
    await this.redis.zremrangebyscore(this.key, '-inf', Date.now());
    return this.redis.zcard(this.key);
  }
}

export const orgSlotsKey = (connectionId: string) => `dms:slots:org:${connectionId}`;
