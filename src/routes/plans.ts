import { Router, type Response } from 'express';
import type { Services } from '../services.js';
import { listConnections } from '../connections/index.js';
import { isAppError } from '../errors.js';
import {
  PlanInput, getPlan, getRun, listPlans, listRuns, presentPlan, presentRun, requestRollback, requestRun, resolvePlan, runUrls,
  savePlan, type PlanDoc, type PlanRunDoc,
} from '../org-plans/index.js';
import { uploaderOf } from './datasets.js';

/** Rows of objects the form offers; a plan saved through the API may have more. */
const FORM_ROWS = 6;

/** Checks a plan against both orgs (objects, fields, filters, lookups' order) before it is saved. */
async function checkedInput(services: Services, body: unknown): Promise<PlanInput> {
  const input = PlanInput.parse(body);
  await resolvePlan(services, input);
  return input;
}

/** What the audit log keeps of a saved version or a requested run. */
const savedPlan = (doc: PlanDoc) => ({
  target: { type: 'plan' as const, id: doc.planId }, details: { version: doc.version, objects: doc.objects.length },
});
const startedRun = (doc: PlanRunDoc) => ({
  target: { type: 'plan' as const, id: doc.planId }, details: { run: doc.runId, dryRun: doc.dryRun, version: doc.planVersion },
});

/** /api/v1/plans: saved, versioned org-to-org plans, their runs and roll backs. */
export function planApiRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;
  router.get('/', async (_req, res) => {
    res.json({ plans: (await listPlans(store)).map(presentPlan) });
  });
  router.post('/', async (req, res) => {
    const doc = await savePlan(store, await checkedInput(services, req.body), uploaderOf(res));
    res.locals.audit = savedPlan(doc);
    res.status(201).location(presentPlan(doc).urls.self).json(presentPlan(doc));
  });
  router.get('/:id', async (req, res) => {
    res.json(presentPlan(await getPlan(store, req.params.id)));
  });
  router.put('/:id', async (req, res) => {
    await getPlan(store, req.params.id);
    const doc = await savePlan(store, await checkedInput(services, req.body), uploaderOf(res), req.params.id);
    res.locals.audit = savedPlan(doc);
    res.json(presentPlan(doc));
  });
  router.get('/:id/runs', async (req, res) => {
    res.json({ runs: (await listRuns(store, req.params.id)).map(presentRun) });
  });
  router.post('/:id/runs', async (req, res) => {
    const run = await requestRun(services, req.params.id, req.body, uploaderOf(res));
    res.locals.audit = startedRun(run);
    res.status(202).location(runUrls(run.planId, run.runId).self).json(presentRun(run));
  });
  router.get('/:id/runs/:runId', async (req, res) => {
    res.json(presentRun(await getRun(store, req.params.id, req.params.runId)));
  });
  router.post('/:id/runs/:runId/rollback', async (req, res) => {
    const run = await requestRollback(services, req.params.id, req.params.runId, uploaderOf(res));
    res.locals.audit = { target: { type: 'plan' as const, id: run.planId }, details: { run: run.runId } };
    res.status(202).json(presentRun(run));
  });
  return router;
}

/** The form's repeated columns (objectName[i], objectFields[i], ...) as the API's objects; empty rows dropped. */
function fromForm(body: Record<string, unknown>): Record<string, unknown> {
  const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const columns = ['objectFields', 'objectWhere', 'objectOperation', 'objectExternalId', 'objectOwners', 'objectDefaultOwner'];
  const [fields, where, operation, externalId, owners, defaultOwner] = columns.map((k) => all(body[k]));
  const objects = all(body.objectName).flatMap((name, i) => (name.trim() === '' ? [] : [{
    object: name.trim(),
    fields: (fields[i] ?? '').split(/[\s,]+/).filter(Boolean),
    where: where[i], operation: operation[i] || 'insert', externalIdField: externalId[i],
    ownerByUsername: owners[i] === 'username', defaultOwner: defaultOwner[i],
  }]));
  const { name, description, sourceConnectionId, targetConnectionId } = body;
  return { name, description, sourceConnectionId, targetConnectionId, objects };
}

/** /plans: list, the form to create one, a plan with its runs, a run with each object's step. */
export function planPageRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;
  const renderForm = async (res: Response, values: Record<string, unknown>, error?: unknown) => {
    res.status(error ? 400 : 200).render('pages/plans/new', {
      title: res.locals.t('plans.new.title'), connections: await listConnections(services), values, rows: FORM_ROWS,
      error: isAppError(error) ? { code: error.code, message: error.message } : undefined,
    });
  };
  router.get('/', async (_req, res) => {
    res.render('pages/plans/index', { title: res.locals.t('plans.title'), plans: await listPlans(store) });
  });
  router.get('/new', async (_req, res) => {
    await renderForm(res, { sourceConnectionId: 'local', targetConnectionId: '', objects: [] });
  });
  router.post('/', async (req, res) => {
    const values = fromForm((req.body ?? {}) as Record<string, unknown>);
    try {
      const doc = await savePlan(store, await checkedInput(services, values), uploaderOf(res));
      res.locals.audit = savedPlan(doc);
      res.redirect(303, `/plans/${doc.planId}`);
    } catch (error) {
      if (isAppError(error) && error.status < 500) return renderForm(res, values, error);
      throw error;
    }
  });
  router.get('/:id', async (req, res) => {
    const plan = await getPlan(store, req.params.id);
    res.render('pages/plans/show', { title: plan.name, plan, runs: await listRuns(store, plan.planId) });
  });
  router.post('/:id/runs', async (req, res) => {
    const run = await requestRun(services, req.params.id, req.body, uploaderOf(res));
    res.locals.audit = startedRun(run);
    res.redirect(303, runUrls(run.planId, run.runId).page);
  });
  router.get('/:id/runs/:runId', async (req, res) => {
    const run = presentRun(await getRun(store, req.params.id, req.params.runId));
    res.render('pages/plans/run', { title: res.locals.t('plans.run.title', { name: run.planName }), run });
  });
  router.post('/:id/runs/:runId/rollback', async (req, res) => {
    const run = await requestRollback(services, req.params.id, req.params.runId, uploaderOf(res));
    res.redirect(303, runUrls(run.planId, run.runId).page);
  });
  return router;
}
