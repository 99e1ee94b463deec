import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { sortableId } from '../store/index.js';
import type { DatasetDoc } from '../datasets/model.js';
import { getDataset } from '../datasets/dataset-store.js';
import { followable, followParse } from '../datasets/followers.js';
import { parsePipeline } from '../frame/index.js';
import { describeObject, sessionFor } from '../salesforce/index.js';
import { findTemplateDoc, followColumns } from '../templates/index.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import { isProductionConnection } from '../connections/index.js';
import { MigrationRequest, MigrationTemplate, emptyTotals, type MigrationDoc, type MigrationState } from './model.js';
import { requestApproval } from './approval.js';
import { buildPreflight } from './preflight.js';
import { reportState } from './progress.js';
import { getMigration, saveMigration, updateMigration, withState } from './store.js';
import { planAttempt } from './plan-checkpoint.js';

export const newMigrationId = () => sortableId('mig', 4);

/** How long creating a run on a dataset still being parsed waits for its first chunk, which names the columns. */
const COLUMNS_WAIT_MS = 10_000;
const COLUMNS_POLL_MS = 200;

const notReady = (doc: DatasetDoc) =>
  new AppError('DATASET_NOT_READY', 409, `Dataset ${doc.name} is ${doc.status}; wait until it is ready.`);

/**
 * A ready dataset, or (when the run may follow the parse) one still being parsed whose columns are known: the parse
 * writes them with its first chunk, so this waits a few seconds for them.
 */
async function readDataset(services: Services, id: string, follow: boolean): Promise<DatasetDoc> {
  const deadline = Date.now() + COLUMNS_WAIT_MS;
  for (;;) {
    const doc = await getDataset(services.store, id);
    if (doc.status === 'ready') return doc;
    if (!follow || !followable(doc)) throw notReady(doc);
    if (doc.columns.length > 0) return doc;
    if (Date.now() > deadline) {
      const message = `Dataset ${doc.name} is still being parsed and its columns are not known yet; try again in a few seconds.`;
      throw new AppError('DATASET_COLUMNS_PENDING', 409, message);
    }
    await sleep(COLUMNS_POLL_MS);
  }
}

/** A saved template: its latest version's mapping and pipeline. */
async function readTemplate(services: Services, id: string): Promise<MigrationTemplate> {
  const doc = await findTemplateDoc(services.store, id);
  if (!doc) throw notFound(`Template ${id}`);
  const versions = Array.isArray(doc.versions) ? (doc.versions as unknown[]) : [];
  const parsed = MigrationTemplate.safeParse(versions.at(-1) ?? doc);
  if (!parsed.success) throw badRequest(`Template ${id} has no mapping DMS can run: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Checks a request against the dataset, the pipeline and the object's describe (a wrong field
 * fails here, not on row 1 of a million), then stores the migration in state `created`.
 */
export async function createMigration(services: Services, input: unknown, actor: string, extra: { parentId?: string } = {}): Promise<MigrationDoc> {
  const request = MigrationRequest.parse(input);
  // A production run waits for a second person's approval of a finished dataset: it never follows a parse.
  const follow = request.options.followParse && !(await isProductionConnection(services, request.connectionId));
  const dataset = await readDataset(services, request.datasetId, follow);
  const template = request.template ?? (await readTemplate(services, request.templateId as string));
  const pipeline = parsePipeline(template.pipeline);
  if (pipeline.some((step) => step.op === 'aggregate')) throw badRequest('An aggregate step summarises rows; a migration writes rows one to one. Remove it from the pipeline.');
  // A column the pipeline or the mapping reads that the dataset lacks would fail every batch: refuse it here.
  const { missing } = followColumns(dataset.columns, pipeline, template.mapping);
  if (missing.length > 0) {
    const where = missing.map((m) => `'${m.column}' (${m.usedBy})`).join(', ');
    const params = { dataset: dataset.name, columns: where };
    throw new AppError('MAPPING_COLUMN_MISSING', 400, `Dataset ${dataset.name} has no column ${where}. Map or rename an existing column.`, {
      details: missing, i18n: [{ key: 'migrations.errors.columnMissing', params }],
    });
  }
  const session = await sessionFor(services, request.connectionId);
  const describe = await describeObject(services.redis, session, request.object);
  const doc: MigrationDoc = {
    _id: newMigrationId(), kind: 'migration',
    name: request.name ?? `${request.operation} ${request.object} from ${dataset.name}`,
    datasetId: dataset._id, datasetName: dataset.name, columns: dataset.columns, rowCount: dataset.rowCount, chunkCount: dataset.chunkCount,
    template: { ...template, pipeline }, templateId: request.templateId,
    connectionId: request.connectionId, object: describe.name, operation: request.operation, externalIdField: request.externalIdField,
    options: request.options, state: 'created', history: [], batchCount: 0, totals: { ...emptyTotals(), rows: dataset.rowCount },
    parentId: extra.parentId, childIds: [], createdBy: actor, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  };
  buildPreflight(describe, doc, template.mapping);
  return saveMigration(services, withState(await followIfParsing(services, doc, dataset), 'created', actor));
}

/**
 * A run on a dataset still being parsed follows it (pipelining): row and chunk counts grow as batches are planned.
 * A parse that ended meanwhile gives the usual counts (ready) or the refusal (failed).
 */
async function followIfParsing(services: Services, doc: MigrationDoc, dataset: DatasetDoc): Promise<MigrationDoc> {
  if (dataset.status === 'ready') return doc;
  const now = await followParse(services.store, dataset._id, doc._id);
  if (followable(now)) return { ...doc, following: true, rowCount: 0, chunkCount: 0, totals: emptyTotals() };
  if (now.status !== 'ready') throw notReady(now);
  return { ...doc, rowCount: now.rowCount, chunkCount: now.chunkCount, totals: { ...emptyTotals(), rows: now.rowCount } };
}

/**
 * `from` -> queued, and the plan job (deterministic id per attempt: pressing start twice plans once). `patch` is
 * saved with the new state (an approval).
 */
export async function queueRun(
  services: Services, id: string, actor: string, from: MigrationState, patch: Partial<MigrationDoc> = {},
): Promise<MigrationDoc> {
  const doc = await updateMigration(services, id, (m) => {
    if (m.state !== from) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; this needs it to be ${from}.`);
    return { ...withState(m, 'queued', actor), startedAt: new Date().toISOString(), ...patch };
  });
  await reportState(services, doc);
  await services.producer.enqueue('migration.plan', { migrationId: id }, { jobId: migrationJobId.plan(id, planAttempt(doc)) });
  return doc;
}

/** created -> queued; on a production org created -> awaiting_approval instead (a second person approves). */
export async function startMigration(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const doc = await getMigration(services, id);
  if (doc.state !== 'created') throw new AppError('MIGRATION_STATE', 409, `Migration is ${doc.state}; only a new migration can be started.`);
  if (await isProductionConnection(services, doc.connectionId)) return requestApproval(services, id, 'start', actor);
  return queueRun(services, id, actor, 'created');
}
