import type { Redis } from 'ioredis';
import { logger } from '../logger.js';
import { flushMetrics } from './recorder.js';
import { forgetProcess, reportProcessMemory } from './process-memory.js';

/** How often a process moves its metrics into Redis and reports its memory. */
export const METRICS_FLUSH_MS = 5000;

export interface MetricsFlush {
  /** Flushes now (a scrape does, so its own process's latest figures are in). */
  now(): Promise<void>;
  stop(): Promise<void>;
}

/** Flushes this process's metrics every METRICS_FLUSH_MS; `role` names the process kind (web, worker). */
export function startMetricsFlush(redis: Redis, prefix: string, role: string): MetricsFlush {
  const log = logger('app');
  const now = async () => {
    await flushMetrics(redis, prefix);
    await reportProcessMemory(redis, prefix, role);
  };
  const timer = setInterval(() => now().catch((err: unknown) => log.warn({ err }, 'metrics flush failed')), METRICS_FLUSH_MS);
  timer.unref();
  return {
    now,
    async stop() {
      clearInterval(timer);
      // The last counts go in; the process leaves the memory gauges at once rather than after PROCESS_STALE_MS.
      await flushMetrics(redis, prefix).catch((err: unknown) => log.warn({ err }, 'last metrics flush failed'));
      await forgetProcess(redis, prefix).catch(() => undefined);
    },
  };
}
