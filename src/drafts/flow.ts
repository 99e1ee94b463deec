import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { getDataset } from '../datasets/index.js';
import { parsePipeline, type PipelineStep } from '../frame/index.js';
import { connectionSummary } from '../connections/index.js';
import type { Mapping } from '../mapping/index.js';
import { createMigration, startMigration, type MigrationDoc } from '../migrations/index.js';
import { createValidation, getValidation } from '../preflight/index.js';
import { getTemplate, saveTemplate, TemplateInput, type TemplateDoc } from '../templates/index.js';
import { DraftDoc } from './model.js';
import { changeDraft, insertDraft, newDraftId } from './store.js';

/** How a draft begins: a dataset (and maybe a saved template), or a finished dry run to turn into a run. */
export const DraftStart = z.object({
  datasetId: z.string().trim().max(100).optional().transform((v) => v || undefined),
  template: z.string().trim().max(100).optional().transform((v) => v || undefined),
  templateVersion: z.coerce.number().int().positive().optional(),
  validationId: z.string().trim().max(100).optional().transform((v) => v || undefined),
});

async function fromValidation(services: Services, id: string): Promise<Partial<DraftDoc>> {
  const v = await getValidation(services.store, id);
  return {
    datasetId: v.datasetId, connectionId: v.connectionId, object: v.object, operation: v.operation, externalIdField: v.externalIdField,
    mapping: v.mapping, pipeline: v.pipeline, template: v.template, validationId: v.status === 'done' ? v._id : undefined, reached: 'run',
  };
}

const fromTemplate = (t: TemplateDoc): Partial<DraftDoc> => ({
  template: { name: t.name, version: t.version }, object: t.object, operation: t.operation, externalIdField: t.externalIdField,
  mapping: t.mapping, pipeline: t.pipeline, reached: 'target',
});

/** Creates a draft; the dataset must be parsed (there is nothing to map before). */
export async function createDraft(services: Services, input: unknown, actor: string): Promise<DraftDoc> {
  const start = DraftStart.parse(input);
  const seed = start.validationId ? await fromValidation(services, start.validationId) : {};
  const datasetId = seed.datasetId ?? start.datasetId;
  if (!datasetId) throw new AppError('DATASET_MISSING', 400, 'Pick a dataset first.', { i18n: [{ key: 'flow.start.pickDataset' }] });
  const dataset = await getDataset(services.store, datasetId);
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', 409, `Dataset ${dataset.name} is ${dataset.status}: it can be mapped once it is ready.`);
  }
  const template = start.template && !start.validationId ? fromTemplate(await getTemplate(services.store, start.template, start.templateVersion)) : {};
  const now = new Date().toISOString();
  return insertDraft(services, DraftDoc.parse({
    _id: newDraftId(), kind: 'draft', ...template, ...seed, datasetId, createdBy: actor, createdAt: now, updatedAt: now,
  }));
}

/** Whether blank cells clear fields: the draft's choice, else its connection's default. */
export async function insertsNulls(services: Services, draft: DraftDoc): Promise<boolean> {
  return draft.insertNulls ?? (await connectionSummary(services, draft.connectionId)).defaults.insertNulls;
}

/**
 * Data Loader's "insert null values" as one last, visible step: blank cells of mapped columns become #N/A,
 * which the writers send as null (clearing the field on update) and validation reads as such.
 */
function nullStep(mapping: Mapping): PipelineStep[] {
  const columns = [...new Set([...mapping.fields, ...mapping.relationships].map((e) => e.column))];
  return columns.length > 0 ? [{ op: 'fillNull', columns, value: '#N/A', blankAsNull: true }] : [];
}

/** Mapping and a whole pipeline (with the null step when asked), or a 409 saying which step to finish. */
async function runnable(services: Services, draft: DraftDoc) {
  if (!draft.object || !draft.mapping) {
    throw new AppError('DRAFT_INCOMPLETE', 409, 'Choose the object and map the columns first.', { i18n: [{ key: 'flow.incomplete' }] });
  }
  const pipeline = parsePipeline(draft.pipeline);
  const nulls = (await insertsNulls(services, draft)) ? nullStep(draft.mapping) : [];
  return { object: draft.object, mapping: draft.mapping, pipeline: [...pipeline, ...nulls] };
}

/** The dry run of the draft as it stands; the draft remembers it until its mapping or pipeline changes. */
export async function validateDraft(services: Services, draft: DraftDoc, actor: string): Promise<DraftDoc> {
  const { object, mapping, pipeline } = await runnable(services, draft);
  const validation = await createValidation(services, {
    datasetId: draft.datasetId, connectionId: draft.connectionId, object, operation: draft.operation,
    externalIdField: draft.externalIdField, mapping, pipeline,
  }, actor);
  return changeDraft(services, draft._id, {}, { validationId: validation._id, reached: 'validate' });
}

/** Creates the migration from the draft and starts it; the draft is then done. `defaultName`: in the reader's language. */
export async function runDraft(services: Services, draft: DraftDoc, actor: string, defaultName?: string): Promise<MigrationDoc> {
  if (draft.migrationId) throw new AppError('DRAFT_DONE', 409, 'This draft was already started.', { i18n: [{ key: 'flow.done' }] });
  const { object, mapping, pipeline } = await runnable(services, draft);
  const doc = await createMigration(services, {
    name: draft.name ?? defaultName, datasetId: draft.datasetId, connectionId: draft.connectionId, object, operation: draft.operation,
    externalIdField: draft.externalIdField, template: { mapping, pipeline }, options: draft.options,
  }, actor);
  await changeDraft(services, draft._id, {}, { migrationId: doc._id });
  return startMigration(services, doc._id, actor);
}

export const TemplateSave = z.object({ name: z.string(), description: z.string().trim().max(2000).optional().transform((v) => v || undefined) });

/** Saves the draft's mapping and pipeline as the next version of a named template. */
export async function saveDraftAsTemplate(services: Services, draft: DraftDoc, input: unknown, actor: string): Promise<TemplateDoc> {
  const { name, description } = TemplateSave.parse(input);
  const { object, mapping } = await runnable(services, draft);
  const pipeline = parsePipeline(draft.pipeline);
  const dataset = await getDataset(services.store, draft.datasetId);
  const sourceColumns = dataset.profile.map((p) => ({ name: String(p.name), type: typeof p.type === 'string' ? p.type : undefined }));
  return saveTemplate(services.store, TemplateInput.parse({
    name, description, object, operation: draft.operation, externalIdField: draft.externalIdField, mapping, pipeline, sourceColumns,
  }), actor);
}
