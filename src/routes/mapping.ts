import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { getDataset } from '../datasets/index.js';
import { listConnections } from '../connections/index.js';
import { WriteOperation } from '../mapping/index.js';
import { describeFor, fieldChoices, listValidations, previewRows, suggestForDataset } from '../preflight/index.js';
import { getTemplate, listTemplates } from '../templates/index.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Campaign', 'Product2'];

/** /api/v1: describe for the page, mapping suggestions, the live preview. */
export function mappingApiRoutes(services: Services): Router {
  const router = Router();

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

const MapQuery = z.object({
  connectionId: z.string().max(100).optional(),
  object: z.string().max(80).optional(),
  operation: WriteOperation.default('insert'),
  externalIdField: z.string().max(80).optional(),
  template: z.string().max(100).optional(),
  version: z.coerce.number().int().positive().optional(),
});

/** /datasets/:id/map: connection and object, column -> field with suggestions, pipeline editor, live preview, save and validate. */
export function mappingPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/:id/map', async (req, res) => {
    const query = MapQuery.parse(req.query);
    const dataset = await getDataset(services.store, req.params.id);
    const template = query.template ? await getTemplate(services.store, query.template, query.version) : undefined;
    const connectionId = query.connectionId ?? 'local';
    const object = query.object ?? template?.object;
    const [connections, templates, validations] = await Promise.all([
      listConnections(services), listTemplates(services.store), listValidations(services.store, dataset._id, 10),
    ]);
    const base = {
      title: res.locals.t('mapping.title', { name: dataset.name }), dataset, connections, templates, validations, objects: OBJECTS,
      connectionId, object: object ?? '', operation: template && !req.query.operation ? template.operation : query.operation,
      externalIdField: query.externalIdField ?? template?.externalIdField ?? '', template,
    };
    if (!object || dataset.status !== 'ready') return res.render('pages/mapping/map', { ...base, fields: undefined });
    const suggested = await suggestForDataset(services, { datasetId: dataset._id, connectionId, object });
    const describe = await describeFor(services, connectionId, object);
    res.render('pages/mapping/map', {
      ...base,
      object: describe.name,
      fields: await fieldChoices(services, connectionId, describe),
      suggestions: suggested.suggestions,
      mapping: template ? template.mapping : suggested.mapping,
      pipeline: template?.pipeline ?? [],
      sourceColumns: dataset.profile.map((p) => ({ name: String(p.name), type: typeof p.type === 'string' ? p.type : undefined })),
    });
  });
  return router;
}
