import { Router, type Response } from 'express';
import type { Services } from '../services.js';
import { badRequest, isAppError } from '../errors.js';
import {
  DeadLetterPage, createTransfer, deadLetterPage, getTransfer, listTransfers, pauseTransfer, presentTransfer,
  requestDeadLetterRetry, resumeTransfer, stopTransfer, transferUrls,
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

/** The request form's one field: the transfer as JSON (the API's body). */
function requestOf(body: unknown): unknown {
  const text = (body as { request?: unknown } | undefined)?.request;
  try {
    return JSON.parse(typeof text === 'string' ? text : '');
  } catch {
    throw badRequest('The transfer is not valid JSON.');
  }
}

/** /transfers: the list with a start form, the live page per transfer and its controls. */
export function transferPageRoutes(services: Services): Router {
  const router = Router();
  const renderList = async (res: Response, values: { request?: string }, error?: unknown) => {
    const transfers = (await listTransfers(services.store)).map(presentTransfer);
    const failure = isAppError(error) ? { code: error.code, message: error.message } : undefined;
    res.status(failure && isAppError(error) ? error.status : 200)
      .render('pages/transfers/index', { title: res.locals.t('transfers.title'), transfers, values, error: failure });
  };
  router.get('/', async (_req, res) => {
    await renderList(res, {});
  });
  router.post('/', async (req, res) => {
    const text = String((req.body as { request?: unknown } | undefined)?.request ?? '');
    try {
      const doc = await createTransfer(services, requestOf(req.body), uploaderOf(res));
      res.redirect(303, transferUrls(presentTransfer(doc).id).page);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      await renderList(res, { request: text }, error);
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
