import { Router } from 'express';
import type { Services } from '../services.js';
import { changeDraft, createDraft, getDraft, type DraftDoc } from '../drafts/index.js';
import { actorOf } from './migrations.js';

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
  router.patch('/:id', async (req, res) => {
    res.json(presentDraft(await changeDraft(services, req.params.id, req.body)));
  });
  return router;
}
