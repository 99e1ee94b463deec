import type { Redis } from 'ioredis';
import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';

export interface ApiBudget {
  max: number;
  remaining: number;
  /** When it was read (ISO); `/limits` lags up to ~5 min, the usage header is live. */
  at: string;
  source: 'limits' | 'header';
}

const budgetKey = (connectionId: string) => `dms:limits:${connectionId}`;

/** Reads `/limits` (DailyApiRequests) and shares the figure with every process. */
export async function readApiBudget(redis: Redis, session: SalesforceSession): Promise<ApiBudget> {
  const limits = await sfJson<Record<string, { Max: number; Remaining: number }>>(session, { method: 'GET', path: '/limits' });
  const daily = limits.DailyApiRequests ?? { Max: 0, Remaining: 0 };
  const budget: ApiBudget = { max: daily.Max, remaining: daily.Remaining, at: new Date().toISOString(), source: 'limits' };
  await redis.set(budgetKey(session.connectionId), JSON.stringify(budget), 'EX', 24 * 3600);
  return budget;
}

/** The live figure from the last answer's `Sforce-Limit-Info` header, when one was seen. */
export async function recordUsage(redis: Redis, session: SalesforceSession): Promise<ApiBudget | undefined> {
  if (!session.usage) return undefined;
  const budget: ApiBudget = { max: session.usage.limit, remaining: session.usage.limit - session.usage.used, at: new Date().toISOString(), source: 'header' };
  await redis.set(budgetKey(session.connectionId), JSON.stringify(budget), 'EX', 24 * 3600);
  return budget;
}

export async function lastApiBudget(redis: Redis, connectionId: string): Promise<ApiBudget | undefined> {
  const raw = await redis.get(budgetKey(connectionId));
  return raw ? (JSON.parse(raw) as ApiBudget) : undefined;
}

/** Calls to keep in reserve for everything else that uses the org: 5 % of the budget, at least 50. */
export function reserveOf(budget: ApiBudget): number {
  return Math.max(50, Math.ceil(budget.max * 0.05));
}
