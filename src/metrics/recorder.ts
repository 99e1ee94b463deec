import type { Redis } from 'ioredis';
import { DURATION_BUCKETS, SHARED_METRICS, type LabelsOf, type SharedMetric } from './catalogue.js';

/** name -> field -> amount to add: `<labels JSON>` for counters; `<labels JSON>|le=<bound>`, `|sum`, `|count` for histograms. */
const pending = new Map<SharedMetric, Map<string, number>>();

const add = (name: SharedMetric, field: string, amount: number) => {
  let fields = pending.get(name);
  if (!fields) pending.set(name, (fields = new Map()));
  fields.set(field, (fields.get(field) ?? 0) + amount);
};

const labelKey = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort()));

/** Adds to a counter of the catalogue (in this process's buffer until the next flush). */
export function countMetric<M extends SharedMetric>(name: M, labels: LabelsOf<M>, amount = 1): void {
  if (amount !== 0) add(name, labelKey(labels), amount);
}

/** Records one duration in a histogram of the catalogue. */
export function observeMetric<M extends SharedMetric>(name: M, labels: LabelsOf<M>, seconds: number): void {
  const key = labelKey(labels);
  for (const bound of DURATION_BUCKETS) if (seconds <= bound) add(name, `${key}|le=${bound}`, 1);
  add(name, `${key}|le=+Inf`, 1);
  add(name, `${key}|sum`, seconds);
  add(name, `${key}|count`, 1);
}

export const metricsKey = (prefix: string, name: string) => `${prefix}:metrics:${name}`;

/** Moves the buffer into Redis (HINCRBYFLOAT per field, one round trip); on failure the amounts are kept for the next try. */
export async function flushMetrics(redis: Redis, prefix: string): Promise<void> {
  if (pending.size === 0) return;
  const batch = [...pending].map(([name, fields]) => [name, new Map(fields)] as const);
  pending.clear();
  const multi = redis.multi();
  for (const [name, fields] of batch) for (const [field, amount] of fields) multi.hincrbyfloat(metricsKey(prefix, name), field, amount);
  try {
    await multi.exec();
  } catch (error) {
    for (const [name, fields] of batch) for (const [field, amount] of fields) add(name, field, amount);
    throw error;
  }
}

export const isSharedMetric = (name: string): name is SharedMetric => Object.hasOwn(SHARED_METRICS, name);
