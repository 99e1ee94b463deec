import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Services } from '../services.js';
import { QUEUE_NAMES } from '../queue/index.js';
import { lastApiBudget } from '../salesforce/index.js';
import { listConnections } from '../connections/index.js';
import { readProcessMemory } from './process-memory.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/**
 * The web process's prom-client registry: its own process metrics (memory, CPU, event loop), and gauges read at
 * scrape time for the whole deployment: queue depths (BullMQ), every process's memory (as each reported it), and
 * each org's remaining daily API requests (as the last Salesforce answer told).
 */
export function createMetricsRegistry(services: Services): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'dms_queue_jobs', help: 'Jobs in each queue by state', labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      this.reset();
      for (const name of QUEUE_NAMES) {
        const counts = await services.producer.queue(name).getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  const memory = { labelNames: ['process', 'role'] as const, registers: [registry] };
  const reports = () => readProcessMemory(services.redis, services.config.queue.prefix);
  new Gauge({
    name: 'dms_process_resident_memory_bytes', help: 'Resident memory of every DMS process (web and workers)', ...memory,
    async collect() {
      this.reset();
      for (const [process, report] of await reports()) this.set({ process, role: report.role }, report.rss);
    },
  });
  new Gauge({
    name: 'dms_process_heap_used_bytes', help: 'V8 heap in use in every DMS process (web and workers)', ...memory,
    async collect() {
      this.reset();
      for (const [process, report] of await reports()) this.set({ process, role: report.role }, report.heapUsed);
    },
  });
  const budgets = async () => {
    const connections = await listConnections(services);
    const known = await Promise.all(connections.map(async (c) => [c.id, await lastApiBudget(services.redis, c.id)] as const));
    return known.flatMap(([id, budget]) => (budget ? [[id, budget] as const] : []));
  };
  new Gauge({
    name: 'dms_salesforce_api_remaining', help: 'Daily API requests the org has left (last figure Salesforce sent)',
    labelNames: ['connection'], registers: [registry],
    async collect() {
      this.reset();
      for (const [connection, budget] of await budgets()) this.set({ connection }, budget.remaining);
    },
  });
  new Gauge({
    name: 'dms_salesforce_api_max', help: 'The org\'s daily API request allowance', labelNames: ['connection'], registers: [registry],
    async collect() {
      this.reset();
      for (const [connection, budget] of await budgets()) this.set({ connection }, budget.max);
    },
  });
  return registry;
}
