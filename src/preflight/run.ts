import type { Services } from '../services.js';
import { isAppError } from '../errors.js';
import { translate } from '../i18n/index.js';
import { logger } from '../logger.js';
import { datasetChunks, getDataset } from '../datasets/index.js';
import { applyPipeline, frameFromRows, RedisSeenKeys } from '../frame/index.js';
import { OrgLookupResolver } from '../lookups/index.js';
import { relationshipKey, type Mapping } from '../mapping/index.js';
import { DuplicateTracker, ValidationReportBuilder, validateFrame } from '../validation/index.js';
import type { ValidationDoc } from './model.js';
import { uniqueFields, validateOptions } from './checks.js';
import { describeContext } from './describe.js';
import { InvalidRowsCsv } from './invalid-rows.js';
import { progressOf, publishValidationProgress } from './progress.js';
import { attachInvalidRows, getValidation, updateValidation } from './store.js';

const PERSIST_EVERY_MS = 2000;

/** The record keys, in mapping order: the columns of the invalid-rows CSV. */
const recordKeys = (mapping: Mapping): string[] =>
  [...new Set([...mapping.fields.map((f) => f.field), ...mapping.relationships.map(relationshipKey), ...mapping.constants.map((c) => c.field)])];

async function finish(services: Services, id: string, change: (doc: ValidationDoc) => ValidationDoc): Promise<ValidationDoc> {
  const doc = await updateValidation(services.store, id, change);
  await publishValidationProgress(services.redis, id, progressOf(doc));
  return doc;
}

/**
 * The dry run: every chunk of the dataset through the pipeline, the mapping and Salesforce's rules
 * (describe), with duplicate keys tracked across chunks in Redis. A retry starts again from the
 * first chunk with fresh sets. Nothing is written to Salesforce. Client errors (a pipeline that no
 * longer fits, a dataset gone) end the run as failed at once; others are thrown for a retry and
 * mark it failed on the last attempt.
 */
export async function runValidation(services: Services, id: string, finalAttempt: boolean): Promise<ValidationDoc> {
  const start = await getValidation(services.store, id);
  if (start.status === 'done' || start.status === 'failed') return start;
  const log = logger('worker', { validationId: id });
  const seen = new RedisSeenKeys(services.redis, `dms:validations:${id}:dedupe`, 24 * 3600);
  const uniqueSets: RedisSeenKeys[] = [];
  try {
    const dataset = await getDataset(services.store, start.datasetId);
    const ctx = await describeContext(services, start.connectionId, start.object, start.mapping);
    const target = { object: start.object, operation: start.operation, externalIdField: start.externalIdField };
    const duplicates = uniqueFields(start.mapping, ctx.describe, target).map((field) => {
      const set = new RedisSeenKeys(services.redis, `dms:validations:${id}:unique:${field.name}`, 24 * 3600);
      uniqueSets.push(set);
      return new DuplicateTracker(field, set);
    });
    await Promise.all([seen, ...uniqueSets].map((s) => s.clear()));
    const csv = new InvalidRowsCsv(recordKeys(start.mapping));
    const report = new ValidationReportBuilder({ examplesPer: 5, onInvalidRow: (row) => csv.add(row) });
    const progress = { chunksDone: 0, chunkCount: dataset.chunkCount, rowsDone: 0, rowCount: dataset.rowCount, invalid: 0 };
    await finish(services, id, (doc) => ({ ...doc, status: 'running', progress, error: undefined }));
    let persistedAt = Date.now();
    const lookups = new OrgLookupResolver(services, start.connectionId);
    const pipelineContext = { seenKeys: seen, now: new Date(start.now), lookups };
    for await (const chunk of datasetChunks(services.store, dataset._id, dataset.chunkCount)) {
      const result = await applyPipeline(frameFromRows(chunk.columns, chunk.rows, chunk.firstRow), start.pipeline, pipelineContext);
      report.addSkipped(result.skipped);
      await validateFrame(result.frame, {
        mapping: start.mapping, describe: ctx.describe, operation: start.operation, rowIssues: result.rowIssues,
        options: validateOptions(ctx, target), duplicates, report,
      });
      const sofar = report.build();
      Object.assign(progress, { chunksDone: chunk.index + 1, rowsDone: chunk.firstRow + chunk.rows.length - 1, invalid: sofar.invalid });
      await publishValidationProgress(services.redis, id, { status: 'running', ...progress });
      if (Date.now() - persistedAt > PERSIST_EVERY_MS) {
        await updateValidation(services.store, id, (doc) => ({ ...doc, progress }));
        persistedAt = Date.now();
      }
    }
    const gzip = await csv.finish();
    const final = report.build();
    const stored = await updateValidation(services.store, id, (doc) => ({
      ...doc, progress: { ...progress, rowsDone: dataset.rowCount, invalid: final.invalid }, report: final,
      invalidRows: { written: csv.written, truncated: csv.truncated, bytes: gzip.length },
    }));
    await attachInvalidRows(services.store, stored, gzip);
    const done = await finish(services, id, (doc) => ({ ...doc, status: 'done', finishedAt: new Date().toISOString() }));
    log.info({ rows: final.rows, invalid: final.invalid }, 'validation finished');
    return done;
  } catch (error) {
    const clientError = isAppError(error) && error.status < 500;
    if (!clientError && !finalAttempt) throw error;
    const failure = isAppError(error)
      ? { code: error.code, message: error.message, i18n: error.i18n }
      : { code: 'VALIDATION_FAILED', message: translate('en', 'preflight.failed'), i18n: [{ key: 'preflight.failed' }] };
    log.error({ err: error }, 'validation failed');
    return finish(services, id, (doc) => ({ ...doc, status: 'failed', error: failure, finishedAt: new Date().toISOString() }));
  } finally {
    await Promise.all([seen, ...uniqueSets].map((s) => s.clear())).catch(() => undefined);
  }
}
