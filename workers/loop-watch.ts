import { monitorEventLoopDelay } from 'node:perf_hooks';
import { logger } from '../src/logger.js';

const EVERY_MS = 10_000;

/**
 * Warns when this process's event loop was blocked for longer than `warnMs` in the last 10 s: BullMQ renews job locks
 * from a timer, so a step that blocks the loop for about half a lock (a large JSON or gzip step, a machine so loaded
 * the process barely runs) lets the job's lock expire and another worker take the job while this one still runs it.
 */
export function watchEventLoop(warnMs: number): () => void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const timer = setInterval(() => {
    const maxMs = Math.round(delay.max / 1e6);
    if (maxMs > warnMs) logger('worker').warn({ maxMs, p99Ms: Math.round(delay.percentile(99) / 1e6), warnMs }, 'event loop blocked: job locks may be lost');
    delay.reset();
  }, EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
