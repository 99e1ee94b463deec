import type { Services } from '../services.js';
import type { RowMessage } from '../row-messages/index.js';
import { lastApiBudget, type ApiBudget } from '../salesforce/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { emptyTotals, FINISHED_STATES, MigrationDoc, type BatchDoc, type Totals } from './model.js';
import { batchProgress, sumProgress, type BatchProgress } from './progress.js';
import { stallOf, type Stall } from './stall.js';
import { docCacheKey, getMigration, listBatches, readOutcomes, saveMigration } from './store.js';

/** An example's `i18n`: DMS's own message by catalogue key, so a page says it in the reader's language. */
export interface ErrorGroup {
  code: string; fields: string; count: number;
  examples: { row: number; message: string; i18n?: RowMessage[] }[];
}

/** One batch as the live page shows it: our figures, the BullMQ job's state and the Salesforce side. */
export type BatchStatus = BatchProgress & { queue: string };

/** The one JSON shape of a migration's live view: the page, SSE fallback polling and the API all use it. */
export interface MigrationStatus {
  migration: Omit<MigrationDoc, '_rev' | 'template'> & { id: string };
  totals: Totals;
  processed: number;
  percent: number;
  batches: BatchStatus[];
  apiBudget?: ApiBudget;
  /** Set while a running migration has made no progress for MIGRATION_STALLED_AFTER_MS. */
  stalled?: Stall;
  errors?: ErrorGroup[];
}

async function cachedDoc(services: Services, id: string): Promise<MigrationDoc> {
  const raw = await services.redis.get(docCacheKey(id));
  if (raw) return MigrationDoc.parse(JSON.parse(raw));
  const doc = await getMigration(services, id);
  await services.redis.set(docCacheKey(id), JSON.stringify(doc), 'EX', 7 * 24 * 3600);
  return doc;
}

/** One batch's failed rows grouped by status code and fields (cached while its failed count stays the same). */
async function batchErrorGroups(services: Services, migrationId: string, batch: BatchDoc, examples: number): Promise<ErrorGroup[]> {
  const key = `dms:migration:${migrationId}:batch:${batch.batch}:errors:${batch.state}:${batch.totals.failed}`;
  const cached = await services.redis.get(key);
  if (cached) return JSON.parse(cached) as ErrorGroup[];
  const groups = new Map<string, ErrorGroup>();
  for (const [row, o] of await readOutcomes(services, batch)) {
    if (o.status !== 'fail' && o.status !== 'doubt') continue;
    const fields = (o.fields ?? []).join(', ');
    const id = `${o.code}|${fields}`;
    const group = groups.get(id) ?? { code: o.code ?? 'UNKNOWN', fields, count: 0, examples: [] };
    group.count++;
    if (group.examples.length < examples) group.examples.push({ row, message: o.message ?? '', ...(o.i18n ? { i18n: o.i18n } : {}) });
    groups.set(id, group);
  }
  const list = [...groups.values()];
  await services.redis.set(key, JSON.stringify(list), 'EX', 3600);
  return list;
}

/**
 * Failed rows grouped by status code and fields, with the first examples. Each batch's groups are
 * cached by its failed count, so a running migration re-reads only the batches with new failures.
 */
export async function errorGroups(services: Services, doc: MigrationDoc, examples = 3): Promise<ErrorGroup[]> {
  const merged = new Map<string, ErrorGroup>();
  for (const batch of await listBatches(services, doc._id, doc.batchCount)) {
    if (batch.totals.failed === 0) continue;
    for (const group of await batchErrorGroups(services, doc._id, batch, examples)) {
      const id = `${group.code}|${group.fields}`;
      const into = merged.get(id) ?? { ...group, count: 0, examples: [] };
      into.count += group.count;
      for (const example of group.examples) if (into.examples.length < examples) into.examples.push(example);
      merged.set(id, into);
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count);
}

/** The BullMQ state of every planned batch job ('unknown' once removed after its retention bound). */
async function queueStates(services: Services, doc: MigrationDoc): Promise<Map<number, string>> {
  const queue = services.producer.queue('migration-batches');
  const states = await Promise.all(Array.from({ length: doc.batchCount }, (_, n) => queue.getJobState(migrationJobId.batch(doc._id, n))));
  return new Map(states.map((s, n) => [n, s]));
}

/**
 * Every planned batch in order, so the live table never skips a number: one that has not reported yet is
 * pending with no rows (its job may be active, waiting for a slot: the queue column says so).
 */
function everyBatch(doc: MigrationDoc, progress: BatchProgress[], queue: Map<number, string>): BatchStatus[] {
  const reported = new Map(progress.map((b) => [b.batch, b]));
  return Array.from({ length: doc.batchCount }, (_, n): BatchStatus => {
    const own = reported.get(n) ?? { batch: n, state: 'pending', totals: emptyTotals() };
    return { ...own, queue: queue.get(n) ?? 'unknown' };
  });
}

/** Fast: the document mirrored in Redis plus live per-batch figures; durable totals once finished. */
export async function migrationStatus(services: Services, id: string, options: { errors?: boolean } = {}): Promise<MigrationStatus> {
  const doc = await cachedDoc(services, id);
  const [progress, queue, budget] = await Promise.all([batchProgress(services, id), queueStates(services, doc), lastApiBudget(services.redis, doc.connectionId)]);
  const totals = FINISHED_STATES.has(doc.state) ? doc.totals : { ...sumProgress(progress), rows: doc.rowCount };
  const processed = totals.succeeded + totals.failed + totals.skipped;
  const { _rev: _ignored, template: _template, ...rest } = doc;
  return {
    migration: { ...rest, id: doc._id },
    totals,
    processed,
    percent: doc.rowCount === 0 ? 100 : Math.floor((processed / doc.rowCount) * 1000) / 10,
    batches: everyBatch(doc, progress, queue),
    apiBudget: budget ?? doc.apiBudget as ApiBudget | undefined,
    stalled: await stallOf(services, doc, progress),
    errors: options.errors && totals.failed > 0 ? await errorGroups(services, doc) : undefined,
  };
}

export { saveMigration };
