import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { getDataset, listDatasets, type DatasetDoc } from '../datasets/index.js';
import {
  checkCompatibility, deleteTemplate, diffVersions, type TemplateDoc, getTemplate, listTemplates, listVersions, presentTemplate, saveTemplate, TemplateInput,
} from '../templates/index.js';
import { assertConfirmed, templateImpact } from '../confirmations/index.js';
import { uploaderOf } from './datasets.js';
import { mappingToSdl } from '../mapping/index.js';

export const Version = z.coerce.number().int().positive();
export const DiffQuery = z.object({ from: Version.optional(), to: Version.optional() });
export const CheckBody = z.object({ datasetId: z.string().min(1).max(100), version: Version.optional() });

/** A dataset's columns with their profiled types, as compatibility checks compare them. */
const columnsOf = (dataset: DatasetDoc) => {
  const types = new Map(dataset.profile.map((p) => [String(p.name), typeof p.type === 'string' ? p.type : undefined]));
  return dataset.columns.map((name) => ({ name, type: types.get(name) }));
};

/** Both ends of a diff: by default the version before the newest, and the newest. */
async function diffOf(services: Services, name: string, query: unknown) {
  const { from, to } = DiffQuery.parse(query);
  const versions = await listVersions(services.store, name);
  const newest = versions[versions.length - 1];
  const b = to === undefined ? newest : await getTemplate(services.store, name, to);
  const earlier = versions.filter((v) => v.version < b.version);
  const a = from === undefined ? (earlier[earlier.length - 1] ?? b) : await getTemplate(services.store, name, from);
  return { versions, a, b, diff: diffVersions(a, b) };
}

/** What the audit log keeps of a saved version. */
export const savedTemplate = (doc: TemplateDoc) => ({
  target: { type: 'template' as const, id: doc.name }, details: { version: doc.version, object: doc.object, operation: doc.operation },
});

/** /api/v1/templates: named, versioned mapping + pipeline. */
export function templateApiRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;

  router.get('/', async (_req, res) => {
    res.json({ templates: await listTemplates(store) });
  });

  router.post('/', async (req, res) => {
    const doc = await saveTemplate(store, TemplateInput.parse(req.body), uploaderOf(res));
    res.locals.audit = savedTemplate(doc);
    const view = presentTemplate(doc);
    res.status(201).location(view.urls.self).json(view);
  });

  router.get('/:name', async (req, res) => {
    res.json(presentTemplate(await getTemplate(store, req.params.name)));
  });

  router.delete('/:name', async (req, res) => {
    const versions = await listVersions(store, req.params.name);
    res.locals.audit = { details: { versions: versions.length } };
    assertConfirmed({ ...req.query, ...(req.body ?? {}) }, templateImpact(req.params.name, versions.length));
    await deleteTemplate(store, req.params.name);
    res.status(204).end();
  });

  router.get('/:name/mapping.sdl', async (req, res) => {
    const template = await getTemplate(store, req.params.name, Version.optional().parse(req.query.version));
    res.attachment(`${template.name}.sdl`).type('text/plain').send(mappingToSdl(template.mapping));
  });

  router.get('/:name/versions', async (req, res) => {
    const versions = await listVersions(store, req.params.name);
    res.json({ name: req.params.name, versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, createdBy: v.createdBy })) });
  });

  router.get('/:name/versions/:version', async (req, res) => {
    res.json(presentTemplate(await getTemplate(store, req.params.name, Version.parse(req.params.version))));
  });

  router.get('/:name/diff', async (req, res) => {
    res.json((await diffOf(services, req.params.name, req.query)).diff);
  });

  router.post('/:name/check', async (req, res) => {
    const body = CheckBody.parse(req.body);
    const [template, dataset] = await Promise.all([getTemplate(store, req.params.name, body.version), getDataset(store, body.datasetId)]);
    res.json({ template: template.name, version: template.version, datasetId: dataset._id, ...checkCompatibility(template, columnsOf(dataset)) });
  });
  return router;
}

/** A JSON document carried in a hidden form field. */
export const jsonField = (schema: z.ZodType) => z.string().transform((text, ctx) => {
  try { return JSON.parse(text) as unknown; } catch { ctx.addIssue({ code: 'custom', message: 'is not valid JSON' }); return z.NEVER; }
}).pipe(schema);

const TemplateForm = z.object({
  name: z.string(), object: z.string(), operation: z.string(),
  externalIdField: z.string().optional().transform((v) => (v ? v : undefined)),
  description: z.string().optional().transform((v) => (v ? v : undefined)),
  mapping: jsonField(z.unknown()), pipeline: jsonField(z.unknown()), sourceColumns: jsonField(z.unknown()).optional(),
});

/** /templates: list, save (from the mapping page), detail with versions and an apply check, diff. */
export function templatePageRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;

  router.get('/', async (_req, res) => {
    res.render('pages/templates/index', { title: res.locals.t('templates.title'), templates: await listTemplates(store) });
  });

  router.post('/', async (req, res) => {
    const form = TemplateForm.parse(req.body);
    const doc = await saveTemplate(store, TemplateInput.parse({ ...form, mapping: { ...(form.mapping as object), object: form.object } }), uploaderOf(res));
    res.locals.audit = savedTemplate(doc);
    res.redirect(303, `/templates/${encodeURIComponent(doc.name)}?version=${doc.version}&saved=1`);
  });

  router.get('/:name', async (req, res) => {
    const query = z.object({ version: Version.optional(), datasetId: z.string().max(100).optional(), saved: z.string().optional() }).parse(req.query);
    const versions = await listVersions(store, req.params.name);
    const template = query.version === undefined ? versions[versions.length - 1] : await getTemplate(store, req.params.name, query.version);
    const dataset = query.datasetId ? await getDataset(store, query.datasetId) : undefined;
    const check = dataset ? checkCompatibility(template, columnsOf(dataset)) : undefined;
    const datasets = (await listDatasets(store, 1, 100)).datasets.filter((d) => d.status === 'ready');
    res.render('pages/templates/show', {
      title: template.name, template, versions, datasets, dataset, check, saved: query.saved !== undefined,
      deleteImpact: templateImpact(template.name, versions.length),
    });
  });

  router.post('/:name/delete', async (req, res) => {
    const versions = await listVersions(store, req.params.name);
    res.locals.audit = { details: { versions: versions.length } };
    assertConfirmed(req.body, templateImpact(req.params.name, versions.length));
    await deleteTemplate(store, req.params.name);
    res.redirect(303, '/templates');
  });

  router.get('/:name/diff', async (req, res) => {
    const { versions, a, b, diff } = await diffOf(services, req.params.name, req.query);
    res.render('pages/templates/diff', { title: res.locals.t('templates.diff.title', { name: b.name }), name: b.name, versions, a, b, diff });
  });
  return router;
}
