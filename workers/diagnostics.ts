import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Processor } from './registry.js';

/** Answers a ping so operators (and /api/v1/diagnostics/ping) can see that a worker is alive and which one. */
export const ping: Processor<'diagnostics.ping'> = async (payload) => {
  if (payload.holdMs > 0) await sleep(payload.holdMs);
  return { worker: `${hostname()}:${process.pid}`, pid: process.pid, requestedAt: payload.requestedAt, answeredAt: new Date().toISOString() };
};
