import type { Response } from 'express';
import type { Services } from '../services.js';
import { getDataset, listDatasets } from '../datasets/index.js';
import { connectionSummary, listConnections } from '../connections/index.js';
import { migrationImpact } from '../confirmations/index.js';
import { DRAFT_STEPS, addedColumns, completeSteps, insertsNulls, mapAddedColumns, type DraftDoc, type DraftStep } from '../drafts/index.js';
import { emptyTotals } from '../migrations/index.js';
import { describeFor, fieldChoices, getValidation, objectChoices, stepSuggestionsFor, suggestForDataset, validationUrls } from '../preflight/index.js';
import { lookupChoices } from '../lookups/index.js';
import { fieldByName, suggestMapping } from '../mapping/index.js';
import { listTemplates } from '../templates/index.js';

export const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;

/** Fields that can key an upsert: external ids and Id itself. */
async function upsertKeys(services: Services, draft: DraftDoc): Promise<{ name: string; label: string }[]> {
  if (!draft.object) return [];
  const describe = await describeFor(services, draft.connectionId, draft.object);
  return describe.fields.filter((f) => f.externalId || f.type === 'id').map((f) => ({ name: f.name, label: f.label }));
}

/** The file's columns and those the steps add (mapped at once when named as a field), with suggestions. */
async function mappingView(services: Services, draft: DraftDoc) {
  const object = draft.object as string;
  const describe = await describeFor(services, draft.connectionId, object);
  const suggested = await suggestForDataset(services, { datasetId: draft.datasetId, connectionId: draft.connectionId, object });
  const added = addedColumns(suggested.columns, draft.pipeline);
  const addedSuggestions = suggestMapping(added, describe, {});
  return {
    fields: await fieldChoices(services, draft.connectionId, describe),
    columns: [...suggested.columns, ...added],
    suggestions: [...suggested.suggestions, ...addedSuggestions],
    mapping: mapAddedColumns(draft.mapping ?? suggested.mapping, addedSuggestions),
    previewPipeline: completeSteps(draft.pipeline),
  };
}

/** The transform step: suggestions from the file, and the picklist values a value map can offer, by column. */
async function pipelineView(services: Services, draft: DraftDoc) {
  const object = draft.object as string;
  const mapping = draft.mapping ?? { object, fields: [], relationships: [], constants: [] };
  const [describe, suggestions] = await Promise.all([
    describeFor(services, draft.connectionId, object),
    stepSuggestionsFor(services, { datasetId: draft.datasetId, connectionId: draft.connectionId, object, mapping }),
  ]);
  const picklists: Record<string, string[]> = {};
  for (const entry of mapping.fields) {
    const field = fieldByName(describe, entry.field);
    if (field?.type === 'picklist' || field?.type === 'multipicklist') {
      picklists[entry.column] = field.picklistValues.filter((p) => p.active).map((p) => p.value);
    }
  }
  const [{ defaults }, lookups] = await Promise.all([
    connectionSummary(services, draft.connectionId), lookupChoices(services, draft.connectionId, describe),
  ]);
  const castDefaults = { ...(defaults.dateOrder ? { order: defaults.dateOrder } : {}), ...(defaults.timeZone ? { timeZone: defaults.timeZone } : {}) };
  return { previewPipeline: completeSteps(draft.pipeline), suggestions, picklists, castDefaults, lookups };
}

async function validationView(services: Services, draft: DraftDoc) {
  const validation = draft.validationId ? await getValidation(services.store, draft.validationId) : undefined;
  return { validation, urls: validation ? validationUrls(validation._id) : undefined };
}

/** The run step asks like any start on a production org: the sentence, and the object typed back. */
export async function startFacts(services: Services, draft: DraftDoc) {
  const [org, dataset] = await Promise.all([connectionSummary(services, draft.connectionId), getDataset(services.store, draft.datasetId)]);
  const facts = { object: draft.object ?? '', operation: draft.operation, totals: { ...emptyTotals(), rows: dataset.rowCount } };
  return { org, startImpact: migrationImpact(facts, 'start', org) };
}

async function runView(services: Services, draft: DraftDoc) {
  const [facts, validation, insertNulls] = await Promise.all([startFacts(services, draft), validationView(services, draft), insertsNulls(services, draft)]);
  return { ...facts, ...validation, insertNulls };
}

async function startView(services: Services) {
  const [datasets, templates] = await Promise.all([listDatasets(services.store, 1, 200), listTemplates(services.store)]);
  return { datasets: datasets.datasets.filter((d) => d.status === 'ready'), templates };
}

async function targetView(services: Services, draft: DraftDoc) {
  const [connections, objects, keys] = await Promise.all([
    listConnections(services), objectChoices(services, draft.connectionId), upsertKeys(services, draft),
  ]);
  return { connections, objects, upsertKeys: keys, operations: OPERATIONS };
}

/** Everything one step's page shows, besides the draft and its dataset. */
async function stepData(services: Services, draft: DraftDoc, step: DraftStep): Promise<Record<string, unknown>> {
  switch (step) {
    case 'start': return startView(services);
    case 'target': return targetView(services, draft);
    case 'mapping': return mappingView(services, draft);
    case 'pipeline': return pipelineView(services, draft);
    case 'validate': return validationView(services, draft);
    case 'run': return runView(services, draft);
  }
}

/** Renders one step of the flow; `extra` carries what a refused Next has to say (problems). */
export async function renderStep(
  services: Services, res: Response, draft: DraftDoc, step: DraftStep, extra: Record<string, unknown> = {},
): Promise<void> {
  const dataset = draft.datasetId ? await getDataset(services.store, draft.datasetId) : undefined;
  const data = await stepData(services, draft, step);
  const t = res.locals.t as (key: string, params?: Record<string, string | number>) => string;
  res.render('pages/flow/step', {
    title: `${t('flow.title')} · ${t(`flow.step.${step}`)}`, draft, dataset, step, steps: DRAFT_STEPS, problems: [], ...data, ...extra,
  });
}
