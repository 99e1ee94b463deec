import type { Services } from '../services.js';
import { getDataset } from '../datasets/index.js';
import { suggestMapping, type Mapping, type Suggestion } from '../mapping/index.js';
import { describeFor } from '../preflight/index.js';
import { followColumns } from '../templates/index.js';
import type { DraftDoc, DraftPipeline } from './model.js';
import { completeSteps } from './pipeline.js';
import { changeDraft } from './store.js';

const NO_MAPPING: Mapping = { object: '', fields: [], relationships: [], constants: [] };

/** The columns the draft's whole steps add to the file's (a lookup's Id, a derived value): the mapping page lists them too. */
export function addedColumns(columns: readonly string[], pipeline: DraftPipeline): string[] {
  return followColumns(columns, completeSteps(pipeline), NO_MAPPING).output.filter((c) => !columns.includes(c));
}

/**
 * The mapping with each added column that is named exactly as a field (a lookup into AccountId) mapped to it,
 * unless the column or the field is mapped already: adding the step is all a person has to do.
 */
export function mapAddedColumns(mapping: Mapping, added: readonly Suggestion[]): Mapping {
  const entries = [...mapping.fields, ...mapping.relationships];
  const taken = (s: Suggestion) => entries.some((e) => e.column === s.column || e.field.toLowerCase() === s.field.toLowerCase());
  const exact = added.filter((s) => s.score === 1 && !s.relationship && !taken(s));
  return exact.length === 0 ? mapping : { ...mapping, fields: [...mapping.fields, ...exact.map((s) => ({ column: s.column, field: s.field }))] };
}

/**
 * After the transform step: a column the steps add under a field's name joins the draft's mapping, so the dry run
 * and the run write it without a trip back to the mapping page. The draft as it now stands.
 */
export async function mapColumnsAdded(services: Services, draft: DraftDoc): Promise<DraftDoc> {
  if (!draft.object || !draft.mapping) return draft;
  const dataset = await getDataset(services.store, draft.datasetId);
  const added = addedColumns(dataset.columns, draft.pipeline);
  if (added.length === 0) return draft;
  const describe = await describeFor(services, draft.connectionId, draft.object);
  const mapping = mapAddedColumns(draft.mapping, suggestMapping(added, describe, {}));
  return mapping === draft.mapping ? draft : changeDraft(services, draft._id, { mapping });
}
