import type { Services } from '../services.js';
import { notFound } from '../errors.js';
import { isMissing, withRetry, writeOnConflict, sortableId } from '../store/index.js';
import { DraftChange, DraftDoc, stepIndex, type DraftStep } from './model.js';

const db = (services: Services) => services.store.db<DraftDoc>('drafts');

export const newDraftId = () => sortableId('draft', 4);

export async function insertDraft(services: Services, doc: DraftDoc): Promise<DraftDoc> {
  await services.store.client.authorize();
  const result = await withRetry(() => db(services).insert(DraftDoc.parse(doc)));
  return { ...doc, _rev: result.rev };
}

export async function getDraft(services: Services, id: string): Promise<DraftDoc> {
  await services.store.client.authorize();
  try {
    return DraftDoc.parse(await withRetry(() => db(services).get(id)));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Draft ${id}`);
    throw error;
  }
}

/** What a change forgets: another object or org makes the mapping meaningless; any change of what runs, the dry run. */
function applyChange(doc: DraftDoc, change: DraftChange): DraftDoc {
  const next: DraftDoc = { ...doc };
  for (const [key, value] of Object.entries(change) as [keyof DraftChange, unknown][]) {
    if (value === undefined) continue;
    (next as Record<string, unknown>)[key] = value === null ? undefined : value;
  }
  const differs = (key: keyof DraftDoc) => JSON.stringify(next[key]) !== JSON.stringify(doc[key]);
  if ((differs('object') || differs('connectionId')) && change.mapping === undefined) {
    next.mapping = undefined;
    if (change.externalIdField === undefined) next.externalIdField = undefined;
  }
  const runs = ['datasetId', 'connectionId', 'object', 'operation', 'externalIdField', 'mapping', 'pipeline'] as const;
  if (runs.some(differs)) next.validationId = undefined;
  return next;
}

/**
 * Reads, changes and writes a draft, again on a conflict (two tabs saving at once both land: the
 * later change applies on top of the earlier one). `reached` only ever moves forward.
 */
export async function changeDraft(
  services: Services, id: string, input: unknown, extra: { reached?: DraftStep; validationId?: string; migrationId?: string } = {},
): Promise<DraftDoc> {
  const change = DraftChange.parse(input);
  // Two tabs saving at once conflict more than other writers: more tries than the default.
  return writeOnConflict(async () => {
    const doc = await getDraft(services, id);
    const next = applyChange(doc, change);
    if (extra.validationId) next.validationId = extra.validationId;
    if (extra.migrationId) next.migrationId = extra.migrationId;
    if (extra.reached && stepIndex(extra.reached) > stepIndex(doc.reached)) next.reached = extra.reached;
    next.updatedAt = new Date().toISOString();
    return DraftDoc.parse(next);
  }, (next) => db(services).insert(next), 20);
}

/** A person's drafts not yet run, newest first. */
export async function listOpenDrafts(services: Services, createdBy: string, limit = 20): Promise<DraftDoc[]> {
  await services.store.client.authorize();
  const result = await withRetry(() => db(services).find({
    selector: { kind: 'draft', updatedAt: { $gt: null }, createdBy, migrationId: { $exists: false } },
    sort: [{ kind: 'desc' }, { updatedAt: 'desc' }],
    use_index: 'by-kind-updated',
    limit,
  }));
  return result.docs.map((d) => DraftDoc.parse(d));
}
