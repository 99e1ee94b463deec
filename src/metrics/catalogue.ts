/**
 * The metrics DMS's processes record and any web instance's /metrics shows for all of them: each process adds to
 * its own buffer (no Redis round trip where work happens) and flushes it into Redis every few seconds.
 */
export const SHARED_METRICS = {
  dms_job_duration_seconds: {
    type: 'histogram', help: 'Time a worker spent on a job, by queue, job name and outcome', labels: ['queue', 'name', 'outcome'],
  },
  dms_rows_total: {
    type: 'counter', help: 'Rows of finished migrations by connection (org), object, operation and outcome',
    labels: ['connection', 'object', 'operation', 'outcome'],
  },
  dms_salesforce_api_calls_total: { type: 'counter', help: 'REST and Bulk API calls DMS made, by connection (org)', labels: ['connection'] },
  dms_parse_bytes_total: { type: 'counter', help: 'Bytes of uploaded files parsed, by format', labels: ['format'] },
  dms_parse_rows_total: { type: 'counter', help: 'Rows read from uploaded files, by format', labels: ['format'] },
} as const satisfies Record<string, { type: 'counter' | 'histogram'; help: string; labels: readonly string[] }>;

export type SharedMetric = keyof typeof SHARED_METRICS;
export type LabelsOf<M extends SharedMetric> = Record<(typeof SHARED_METRICS)[M]['labels'][number], string>;

/** Upper bounds of the duration histograms, in seconds (a batch of Bulk API rows can take minutes). */
export const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;
