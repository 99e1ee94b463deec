import { z } from 'zod';
import type { Services } from '../services.js';
import { withRetry } from '../store/index.js';
import { listConnections } from '../connections/index.js';
import { lastApiBudget } from '../salesforce/index.js';
import { statusBody, type Stall } from '../migrations/index.js';

/** The few migration fields the figures read (the migrations room owns the full document). */
const RunFacts = z.object({
  _id: z.string(),
  name: z.string(),
  object: z.string(),
  operation: z.string(),
  state: z.string(),
  connectionId: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  totals: z.object({ rows: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number() }),
});
export type RunFacts = z.infer<typeof RunFacts>;

export interface OrgObjectDay { connectionId: string; connection: string; object: string; succeeded: number; failed: number }
export interface ApiUse { connectionId: string; connection: string; used: number; max: number; at: string }

export interface RunFigures {
  /** A running one carries `stalled` when it has made no progress for MIGRATION_STALLED_AFTER_MS. */
  recent: (RunFacts & { stalled?: Stall })[];
  /** Runs started since midnight UTC, by org and object. */
  today: OrgObjectDay[];
  written: number;
  /** Failed rows of today's runs over the rows they wrote or failed; null before any. */
  failureRate: number | null;
  apiUse: ApiUse[];
}

const RECENT = 10;
/** How far back a run may have been created and still have started today (a scheduled or paused run). */
const LOOK_BACK_DAYS = 7;

/** Recent runs with their totals, today's rows by org and object, the failure rate and each org's API calls of the day. */
export async function runFigures(services: Services, now = new Date()): Promise<RunFigures> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
  const since = new Date(now.getTime() - LOOK_BACK_DAYS * 86_400_000).toISOString();
  const [page, connections] = await Promise.all([
    withRetry(() => services.store.db('migrations').find({
      selector: { kind: 'migration', createdAt: { $gt: since } },
      sort: [{ kind: 'desc' }, { createdAt: 'desc' }],
      use_index: 'by-kind-created',
      fields: ['_id', 'name', 'object', 'operation', 'state', 'connectionId', 'createdAt', 'startedAt', 'totals'],
      limit: 1000,
    })),
    listConnections(services),
  ]);
  const runs = page.docs.map((d) => RunFacts.parse(d));
  const names = new Map(connections.map((c) => [c.id, c.name]));
  const byKey = new Map<string, OrgObjectDay>();
  for (const run of runs.filter((r) => r.startedAt && r.startedAt >= midnight)) {
    const connection = names.get(run.connectionId) ?? run.connectionId;
    const key = `${connection}\u0000${run.object}`;
    const day = byKey.get(key) ?? { connectionId: run.connectionId, connection, object: run.object, succeeded: 0, failed: 0 };
    day.succeeded += run.totals.succeeded;
    day.failed += run.totals.failed;
    byKey.set(key, day);
  }
  const today = [...byKey.values()].sort((a, b) => b.succeeded - a.succeeded);
  const written = today.reduce((n, d) => n + d.succeeded, 0);
  const failed = today.reduce((n, d) => n + d.failed, 0);
  const budgets = await Promise.all(connections.map(async (c) => ({ c, budget: await lastApiBudget(services.redis, c.id) })));
  const apiUse = budgets.flatMap(({ c, budget }) => (budget ? [{ connectionId: c.id, connection: c.name, used: budget.max - budget.remaining, max: budget.max, at: budget.at }] : []));
  const recent = await Promise.all(runs.slice(0, RECENT).map(async (run) =>
    (run.state === 'running' ? { ...run, stalled: (await statusBody(services, run._id)).value().stalled } : run)));
  return { recent, today, written, failureRate: written + failed > 0 ? failed / (written + failed) : null, apiUse };
}
