import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { getDataset } from '../datasets/index.js';
import { parsePipeline } from '../frame/index.js';
import { followColumns, getTemplate } from '../templates/index.js';
import { ValidationRequest, type ValidationDoc } from './model.js';
import { assertMappingFits, canonicalMapping } from './checks.js';
import { describeContext } from './describe.js';
import { insertValidation, newValidationId } from './store.js';

/**
 * Checks everything that would fail every row (dataset not ready, a pipeline or mapping that does
 * not fit, columns missing), stores the validation and enqueues its run. Nothing is sent to Salesforce.
 */
export async function createValidation(services: Services, body: unknown, createdBy: string): Promise<ValidationDoc> {
  const request = ValidationRequest.parse(body);
  const dataset = await getDataset(services.store, request.datasetId);
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', 409, `Dataset ${dataset.name} is ${dataset.status}: validate it once it is ready.`);
  }
  const template = request.templateName ? await getTemplate(services.store, request.templateName, request.templateVersion) : undefined;
  const rawMapping = request.mapping ?? template?.mapping;
  if (!rawMapping) throw new AppError('MAPPING_MISSING', 400, 'Give a template or a mapping.');
  const pipeline = parsePipeline(request.pipeline ?? template?.pipeline ?? []);
  const target = {
    object: request.object ?? template?.object ?? rawMapping.object,
    operation: request.operation ?? template?.operation ?? 'insert',
    externalIdField: request.externalIdField ?? template?.externalIdField,
  };
  const ctx = await describeContext(services, request.connectionId, target.object, rawMapping);
  const mapping = canonicalMapping(rawMapping, ctx.describe);
  assertMappingFits(mapping, ctx.describe, target);
  const missing = followColumns(dataset.columns, pipeline, mapping).missing;
  if (missing.length > 0) {
    const text = missing.map((m) => `'${m.column}' (${m.usedBy})`).join(', ');
    throw new AppError('COLUMNS_MISSING', 400, `Dataset ${dataset.name} lacks column(s) the pipeline or mapping reads: ${text}.`, { details: missing });
  }
  const now = new Date().toISOString();
  const doc = await insertValidation(services.store, {
    _id: newValidationId(),
    kind: 'validation',
    datasetId: dataset._id,
    datasetName: dataset.name,
    connectionId: request.connectionId,
    object: ctx.describe.name,
    operation: target.operation,
    externalIdField: target.externalIdField,
    template: template ? { name: template.name, version: template.version } : undefined,
    mapping,
    pipeline,
    now,
    status: 'queued',
    progress: { chunksDone: 0, chunkCount: dataset.chunkCount, rowsDone: 0, rowCount: dataset.rowCount, invalid: 0 },
    createdBy,
    createdAt: now,
    updatedAt: now,
  });
  await services.producer.enqueue('validation.run', { validationId: doc._id }, { jobId: doc._id });
  return doc;
}
