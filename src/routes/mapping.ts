import { Router } from 'express';
import type { Services } from '../services.js';
import { describeFor, fieldChoices, objectChoices, previewRows, suggestForDataset } from '../preflight/index.js';

/** /api/v1: the org's objects, describe for the pages, mapping suggestions, the live preview. */
export function mappingApiRoutes(services: Services): Router {
  const router = Router();

  router.get('/describe/:connectionId', async (req, res) => {
    res.json({ objects: await objectChoices(services, req.params.connectionId) });
  });

  router.get('/describe/:connectionId/:object', async (req, res) => {
    const describe = await describeFor(services, req.params.connectionId, req.params.object);
    res.json({ name: describe.name, label: describe.label, keyPrefix: describe.keyPrefix ?? null, fields: await fieldChoices(services, req.params.connectionId, describe) });
  });

  router.post('/mapping/suggest', async (req, res) => {
    res.json(await suggestForDataset(services, req.body));
  });

  router.post('/preview', async (req, res) => {
    res.json(await previewRows(services, req.body));
  });
  return router;
}
