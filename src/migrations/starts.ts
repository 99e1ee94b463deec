import type { Services } from '../services.js';
import { migrationJobId } from '../queue/jobs/migrations.js';

/**
 * How many times a batch began its work (slots taken), counted in Redis: a revival tells a batch that keeps dying
 * while it works (counted towards MIGRATION_BATCH_REVIVALS) from one that only waited for a slot (not counted).
 */
const startsKey = (services: Services, migrationId: string, n: number) =>
  `${services.config.queue.prefix}:dms-starts:${migrationJobId.batch(migrationId, n)}`;

export async function noteStart(services: Services, migrationId: string, n: number): Promise<void> {
  const key = startsKey(services, migrationId, n);
  await services.redis.multi().incr(key).expire(key, 30 * 24 * 3600).exec();
}

export async function startsOf(services: Services, migrationId: string, n: number): Promise<number> {
  return Number((await services.redis.get(startsKey(services, migrationId, n))) ?? 0);
}
