import type { Services } from '../src/services.js';
import { countMetric } from '../src/metrics/index.js';
import { getMigration } from '../src/migrations/index.js';
import { getDataset } from '../src/datasets/index.js';

/** A finished migration's rows, counted once however often its finalize job runs (a Redis mark per migration). */
export async function countRows(services: Services, migrationId: string): Promise<void> {
  const doc = await getMigration(services, migrationId);
  if (!['completed', 'failed', 'cancelled'].includes(doc.state)) return;
  const mark = `${services.config.queue.prefix}:metrics:counted:${migrationId}`;
  if ((await services.redis.set(mark, '1', 'EX', 30 * 86_400, 'NX')) !== 'OK') return;
  const labels = { connection: doc.connectionId, object: doc.object, operation: doc.operation };
  countMetric('dms_rows_total', { ...labels, outcome: 'succeeded' }, doc.totals.succeeded);
  countMetric('dms_rows_total', { ...labels, outcome: 'failed' }, doc.totals.failed);
  countMetric('dms_rows_total', { ...labels, outcome: 'skipped' }, doc.totals.skipped);
}

/** Bytes and rows of a dataset parsed to the end, by format. */
export async function countParse(services: Services, datasetId: string): Promise<void> {
  const doc = await getDataset(services.store, datasetId);
  const labels = { format: doc.format ?? 'unknown' };
  countMetric('dms_parse_bytes_total', labels, doc.sizeBytes);
  countMetric('dms_parse_rows_total', labels, doc.rowCount);
}
