import type { Redis } from 'ioredis';
import { workerProcessName } from '../queue/index.js';

/** Processes report their memory at every flush; one that stopped reporting for this long is left out. */
export const PROCESS_STALE_MS = 60_000;
export const processKey = (prefix: string) => `${prefix}:metrics:processes`;

export interface ProcessReport { role: string; rss: number; heapUsed: number; at: number }

export async function reportProcessMemory(redis: Redis, prefix: string, role: string): Promise<void> {
  const { rss, heapUsed } = process.memoryUsage();
  const report: ProcessReport = { role, rss, heapUsed, at: Date.now() };
  await redis.hset(processKey(prefix), workerProcessName(), JSON.stringify(report));
}

export async function forgetProcess(redis: Redis, prefix: string): Promise<void> {
  await redis.hdel(processKey(prefix), workerProcessName());
}

/** Every process that reported recently (older reports are deleted). */
export async function readProcessMemory(redis: Redis, prefix: string): Promise<Map<string, ProcessReport>> {
  const all = await redis.hgetall(processKey(prefix));
  const fresh = new Map<string, ProcessReport>();
  const stale: string[] = [];
  for (const [name, raw] of Object.entries(all)) {
    const report = JSON.parse(raw) as ProcessReport;
    if (Date.now() - report.at > PROCESS_STALE_MS) stale.push(name);
    else fresh.set(name, report);
  }
  if (stale.length > 0) await redis.hdel(processKey(prefix), ...stale);
  return fresh;
}
