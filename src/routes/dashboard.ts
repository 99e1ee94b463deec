import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { QUEUE_NAMES, workerProcessOf } from '../queue/index.js';
import { withRetry } from '../store/index.js';
import { runFigures } from '../dashboard/index.js';

const ACTIVE_STATES = ['awaiting_approval', 'queued', 'running', 'paused', 'cancelling', 'rolling_back'];

/** The few migration fields the dashboard shows (the migrations room owns the full document). */
const RunSummary = z.object({
  _id: z.string(),
  name: z.string(),
  object: z.string(),
  operation: z.string(),
  state: z.string(),
  createdBy: z.string(),
  startedAt: z.string().optional(),
  totals: z.object({ rows: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number() }),
});

export interface DashboardSnapshot {
  runs: z.infer<typeof RunSummary>[];
  queues: { name: string; waiting: number; active: number; delayed: number; failed: number; completed: number; workers: number }[];
  workers: number;
  failures: { queue: string; id: string; name: string; reason: string; at: string }[];
}

/** Runs in progress (CouchDB), queue depths and workers (BullMQ), and the latest failed jobs. */
export async function dashboardSnapshot(services: Services): Promise<DashboardSnapshot> {
  const runsQuery = withRetry(() =>
    services.store.db('migrations').find({
      selector: { kind: 'migration', createdAt: { $gt: null }, state: { $in: ACTIVE_STATES } },
      sort: [{ kind: 'desc' }, { createdAt: 'desc' }],
      use_index: 'by-kind-created',
      fields: ['_id', 'name', 'object', 'operation', 'state', 'createdBy', 'startedAt', 'totals'],
      limit: 50,
    }),
  );
  const queues = await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const queue = services.producer.queue(name);
      const [counts, workers, failed] = await Promise.all([
        queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
        queue.getWorkers(),
        queue.getFailed(0, 4),
      ]);
      return { name, counts, workers, failed };
    }),
  );
  const runs = (await runsQuery).docs.map((d) => RunSummary.parse(d));
  return {
    runs,
    queues: queues.map(({ name, counts, workers }) => ({
      name,
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
      workers: workers.length,
    })),
    // A process drains some or all queues (WORKER_QUEUES): count processes by the worker name they share.
    workers: new Set(queues.flatMap((q) => q.workers.map(workerProcessOf))).size,
    failures: queues
      .flatMap(({ name, failed }) =>
        failed.map((job) => ({ queue: name, id: String(job.id), name: job.name, reason: (job.failedReason ?? '').slice(0, 300), at: new Date(job.finishedOn ?? job.timestamp).toISOString() })),
      )
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, 10),
  };
}

export function dashboardRoutes(services: Services): Router {
  const router = Router();
  router.get('/dashboard', async (_req, res) => {
    const [snapshot, figures] = await Promise.all([dashboardSnapshot(services), runFigures(services)]);
    res.render('pages/dashboard/index', { title: res.locals.t('dashboard.title'), ...snapshot, figures });
  });
  router.get('/api/v1/dashboard', async (_req, res) => {
    const [snapshot, figures] = await Promise.all([dashboardSnapshot(services), runFigures(services)]);
    res.json({ ...snapshot, figures });
  });
  return router;
}
