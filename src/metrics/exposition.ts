import type { Redis } from 'ioredis';
import { DURATION_BUCKETS, SHARED_METRICS } from './catalogue.js';
import { metricsKey } from './recorder.js';

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Record<string, string>, extra: Record<string, string> = {}) => {
  const all = Object.entries({ ...labels, ...extra });
  return all.length === 0 ? '' : `{${all.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
};

/** The shared counters and histograms, summed over every process that flushed into Redis, in Prometheus text format. */
export async function sharedMetricsText(redis: Redis, prefix: string): Promise<string> {
  const names = Object.keys(SHARED_METRICS) as (keyof typeof SHARED_METRICS)[];
  const hashes = await Promise.all(names.map((name) => redis.hgetall(metricsKey(prefix, name))));
  const lines: string[] = [];
  names.forEach((name, i) => {
    const spec = SHARED_METRICS[name];
    lines.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} ${spec.type}`);
    const fields = Object.entries(hashes[i] ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (spec.type === 'counter') {
      for (const [labels, value] of fields) lines.push(`${name}${labelText(JSON.parse(labels) as Record<string, string>)} ${Number(value)}`);
      return;
    }
    const series = new Map<string, Map<string, number>>();
    for (const [field, value] of fields) {
      const [labels = '{}', part = ''] = field.split('|');
      if (!series.has(labels)) series.set(labels, new Map());
      series.get(labels)?.set(part, Number(value));
    }
    for (const [labels, parts] of series) {
      const parsed = JSON.parse(labels) as Record<string, string>;
      for (const bound of [...DURATION_BUCKETS.map(String), '+Inf']) {
        lines.push(`${name}_bucket${labelText(parsed, { le: bound })} ${parts.get(`le=${bound}`) ?? 0}`);
      }
      lines.push(`${name}_sum${labelText(parsed)} ${parts.get('sum') ?? 0}`, `${name}_count${labelText(parsed)} ${parts.get('count') ?? 0}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * prom-client writes a NaN sample (the event loop's mean lag before its first measurement) as `Nan`; the exposition
 * format and OpenMetrics spell it `NaN`, and stricter scrapers than Prometheus refuse the other spelling.
 */
export const standardNaN = (text: string): string => text.replace(/ Nan$/gm, ' NaN');
