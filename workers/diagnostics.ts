import { hostname } from 'node:os';
import type { Processor } from './registry.js';

/** Answers a ping so operators (and /api/v1/diagnostics/ping) can see that a worker is alive and which one. */
export const ping: Processor<'diagnostics.ping'> = async (payload) => ({
  worker: `${hostname()}:${process.pid}`,
  requestedAt: payload.requestedAt,
  answeredAt: new Date().toISOString(),
});
