import { existsSync } from 'node:fs';
import { Router, type Response } from 'express';
import { ZodError } from 'zod';
import type { Services } from '../services.js';
import { badRequest, isAppError } from '../errors.js';
import { projectPath } from '../paths.js';
import { listConnections } from '../connections/index.js';
import { listDatasets } from '../datasets/index.js';
import {
  DeadLetterPage, createTransfer, deadLetterPage, endKinds, fieldErrors, getTransfer, knownEndpoints, listTransfers, pauseTransfer,
  presentTransfer, requestDeadLetterRetry, resumeTransfer, stopTransfer, transferRequestOfForm, transferUrls, type End, type FormValues,
} from '../transfers/index.js';
import { uploaderOf } from './datasets.js';

const CONTROLS = { pause: pauseTransfer, resume: resumeTransfer, stop: stopTransfer } as const;
const isControl = (action: string): action is keyof typeof CONTROLS => Object.hasOwn(CONTROLS, action);

/** /api/v1/transfers: start one (answers its id at once), list, read, pause/resume/stop, dead letters and their retry. */
export function transferApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const view = presentTransfer(await createTransfer(services, req.body, uploaderOf(res)));
    res.locals.audit = { action: 'transfer.create', target: { type: 'transfer', id: view.id }, details: { name: view.name } };
    res.status(202).location(view.urls.self).json(view);
  });
  router.get('/', async (_req, res) => {
    res.json({ transfers: (await listTransfers(services.store)).map(presentTransfer) });
  });
  router.get('/:id', async (req, res) => {
    res.json(presentTransfer(await getTransfer(services.store, req.params.id)));
  });
  for (const [action, control] of Object.entries(CONTROLS)) {
    router.post(`/:id/${action}`, async (req, res) => {
      res.json(presentTransfer(await control(services, req.params.id)));
    });
  }
  router.get('/:id/dead-letters', async (req, res) => {
    res.json(await deadLetterPage(services, req.params.id, DeadLetterPage.parse(req.query)));
  });
  router.post('/:id/dead-letters/retry', async (req, res) => {
    res.status(202).json(presentTransfer(await requestDeadLetterRetry(services, req.params.id, req.body)));
  });
  return router;
}

/** What the start form needs besides its values: the kinds of end with their partials, endpoints, connections, datasets. */
async function formContext(services: Services) {
  const kinds = endKinds();
  const withPartial = (end: End) => kinds[end].map((spec) => {
    const partial = `${end}-${spec.kind}`;
    return { ...spec, partial: existsSync(projectPath('views', 'partials', 'transfers', `${partial}.ejs`)) ? partial : undefined };
  });
  const [endpoints, connections, datasets] = await Promise.all([
    knownEndpoints(services), listConnections(services), listDatasets(services.store, 1, 100),
  ]);
  const choices = {
    connections: connections.map((c) => ({ value: c.id, label: c.name })),
    datasets: datasets.datasets.filter((d) => d.status === 'ready').map((d) => ({ value: d._id, label: `${d.name} (${d.rowCount ?? 0})` })),
  };
  return { kinds: { source: withPartial('source'), target: withPartial('target') }, endpoints, choices };
}

/** The pipeline the form carries (the editor's JSON) and the record fields typed for the editor's column pickers. */
function editorState(values: FormValues) {
  const text = typeof values.pipeline === 'string' ? values.pipeline : '[]';
  let steps: unknown = [];
  try {
    steps = JSON.parse(text);
  } catch {
    steps = [];
  }
  const fields = typeof values.recordFields === 'string' ? values.recordFields : '';
  return { pipelineSteps: Array.isArray(steps) ? steps : [], recordFields: fields.split(',').map((f) => f.trim()).filter(Boolean) };
}

interface Refusal { error?: { code: string; message: string }; errors?: Record<string, string> }

/** /transfers: the list with a start form, the live page per transfer and its controls. */
export function transferPageRoutes(services: Services): Router {
  const router = Router();
  const renderList = async (res: Response, values: FormValues, refusal: Refusal = {}) => {
    const transfers = (await listTransfers(services.store)).map(presentTransfer);
    const status = refusal.error || refusal.errors ? 400 : 200;
    res.status(status).render('pages/transfers/index', {
      title: res.locals.t('transfers.title'), transfers, values, error: refusal.error, errors: refusal.errors ?? {},
      ...(await formContext(services)), ...editorState(values),
    });
  };
  router.get('/', async (_req, res) => {
    await renderList(res, {});
  });
  // Other sections start at /new; here the start form is on the list page.
  router.get('/new', (_req, res) => {
    res.redirect(302, '/transfers#start');
  });
  router.post('/', async (req, res) => {
    const { _csrf: _token, ...values } = (req.body ?? {}) as FormValues;
    try {
      const doc = await createTransfer(services, await transferRequestOfForm(services, values), uploaderOf(res));
      res.locals.audit = { action: 'transfer.create', target: { type: 'transfer', id: presentTransfer(doc).id }, details: { name: doc.name } };
      res.redirect(303, transferUrls(presentTransfer(doc).id).page);
    } catch (error) {
      if (error instanceof ZodError) return renderList(res, values, { errors: fieldErrors(error, values, res.locals.t('transfers.form.required')) });
      if (!isAppError(error) || error.status >= 500) throw error;
      await renderList(res, values, { error: { code: error.code, message: error.message } });
    }
  });
  router.get('/:id', async (req, res) => {
    const transfer = presentTransfer(await getTransfer(services.store, req.params.id));
    const letters = await deadLetterPage(services, req.params.id, DeadLetterPage.parse(req.query));
    res.render('pages/transfers/show', { title: transfer.name, transfer, letters });
  });
  // The page's two buttons: retry the letters of the page shown (their keys) or all of them.
  router.post('/:id/dead-letters/retry', async (req, res) => {
    const { keys, back } = (req.body ?? {}) as { keys?: string | string[]; back?: string };
    const list = keys === undefined ? undefined : [keys].flat();
    await requestDeadLetterRetry(services, req.params.id, list ? { keys: list } : {});
    const page = transferUrls(req.params.id).page;
    res.redirect(303, typeof back === 'string' && /^\?page=\d+&pageSize=\d+$/.test(back) ? `${page}${back}` : page);
  });
  router.post('/:id/:action', async (req, res) => {
    const { id, action } = req.params;
    if (!isControl(action)) throw badRequest(`Unknown action ${action}: pause, resume or stop.`);
    await CONTROLS[action](services, id);
    res.redirect(303, transferUrls(id).page);
  });
  return router;
}
