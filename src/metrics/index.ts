export { SHARED_METRICS, DURATION_BUCKETS, type SharedMetric } from './catalogue.js';
export { countMetric, observeMetric, flushMetrics } from './recorder.js';
export { reportProcessMemory } from './process-memory.js';
export { startMetricsFlush, type MetricsFlush } from './flush.js';
