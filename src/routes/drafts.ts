import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { changeDraft, createDraft, type DraftDoc, getDraft, mapColumnsAdded } from '../drafts/index.js';
import { actorOf } from './migrations.js';
import { AppError } from '../errors.js';
import { getDataset } from '../datasets/index.js';
import { describeFor } from '../preflight/index.js';
import { mappingToSdl, sdlToMapping } from '../mapping/index.js';

export const SdlUpload = z.object({ sdl: z.string().max(1_000_000) });

function presentDraft(doc: DraftDoc) {
  const { _id, _rev: _ignored, kind: _kind, ...rest } = doc;
  return { id: _id, ...rest, urls: { self: `/api/v1/drafts/${_id}`, page: `/migrations/drafts/${_id}` } };
}

/** /api/v1/drafts: the guided flow's state; the mapping and pipeline editors save here as a person types. */
export function draftApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    res.status(201).json(presentDraft(await createDraft(services, req.body, actorOf(res))));
  });
  router.get('/:id', async (req, res) => {
    res.json(presentDraft(await getDraft(services, req.params.id)));
  });
  router.get('/:id/mapping.sdl', async (req, res) => {
    const draft = await getDraft(services, req.params.id);
    if (!draft.mapping) throw new AppError('DRAFT_INCOMPLETE', 409, 'This draft has no mapping yet.', { i18n: [{ key: 'flow.incomplete' }] });
    res.attachment(`${draft.object ?? 'mapping'}.sdl`).type('text/plain').send(mappingToSdl(draft.mapping));
  });
  // A Data Loader mapping file replaces the draft's mapping; what matches nothing is listed, not guessed.
  router.post('/:id/sdl', async (req, res) => {
    const { sdl } = SdlUpload.parse(req.body);
    const draft = await getDraft(services, req.params.id);
    if (!draft.object) throw new AppError('DRAFT_INCOMPLETE', 409, 'Choose the object first.', { i18n: [{ key: 'flow.target.pickObject' }] });
    const [dataset, describe] = await Promise.all([getDataset(services.store, draft.datasetId), describeFor(services, draft.connectionId, draft.object)]);
    const imported = sdlToMapping(sdl, dataset.columns, describe);
    await changeDraft(services, draft._id, { mapping: imported.mapping });
    res.json(imported);
  });
  // New steps may add a column named as a field (a lookup into AccountId): it joins the mapping at once, and the
  // answer carries the mapping so the transform page's preview judges rows as the run will.
  router.patch('/:id', async (req, res) => {
    const changed = await changeDraft(services, req.params.id, req.body);
    const steps = (req.body as { pipeline?: unknown } | undefined)?.pipeline !== undefined;
    res.json(presentDraft(steps ? await mapColumnsAdded(services, changed) : changed));
  });
  return router;
}
