import { Router, type Response } from 'express';
import { ZodError } from 'zod';
import type { Services } from '../services.js';
import { currentUser, hasRole } from '../auth/index.js';
import { listConnections } from '../connections/index.js';
import { badRequest, isAppError } from '../errors.js';
import { type ScheduleDoc, createSchedule, deleteSchedule, getSchedule, listScheduleDocs, presentSchedule, setPaused } from '../schedules/index.js';
import { listTransfers, presentTransfer } from '../transfers/index.js';
import { WEBHOOK_EVENTS, createWebhook, deleteWebhook, listDeliveries, listWebhookDocs, presentWebhook, webhookIdOf } from '../webhooks/index.js';

const actor = (res: Response) => currentUser(res)?.username ?? 'anonymous';
const auditCreated = (res: Response, doc: ScheduleDoc) => {
  res.locals.audit = { action: 'schedules.create', target: { type: 'schedule', id: doc._id }, details: { name: doc.name, cron: doc.cron } };
};
const listSchedules = async (services: Services) => Promise.all((await listScheduleDocs(services)).map((d) => presentSchedule(services, d)));

/** /api/v1/schedules (operators change them) and /api/v1/webhooks (admins; the central policy). */
export function scheduleApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/schedules', async (_req, res) => {
    res.json({ schedules: await listSchedules(services) });
  });
  router.post('/schedules', async (req, res) => {
    const doc = await createSchedule(services, req.body, actor(res));
    auditCreated(res, doc);
    res.status(201).json(await presentSchedule(services, doc));
  });
  router.get('/schedules/:id', async (req, res) => {
    res.json(await presentSchedule(services, await getSchedule(services, req.params.id)));
  });
  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    router.post(`/schedules/:id/${action}`, async (req, res) => {
      res.locals.audit = { action: `schedules.${action}`, target: { type: 'schedule', id: req.params.id } };
      res.json(await presentSchedule(services, await setPaused(services, req.params.id, paused)));
    });
  }
  router.delete('/schedules/:id', async (req, res) => {
    await deleteSchedule(services, req.params.id);
    res.locals.audit = { action: 'schedules.delete', target: { type: 'schedule', id: req.params.id } };
    res.status(204).end();
  });
  router.get('/webhooks', async (_req, res) => {
    res.json({ webhooks: (await listWebhookDocs(services)).map(presentWebhook) });
  });
  router.post('/webhooks', async (req, res) => {
    const created = await createWebhook(services, req.body, actor(res));
    res.locals.audit = { action: 'webhooks.create', target: { type: 'other', id: created.id }, details: { url: created.url } };
    res.status(201).json(created);
  });
  router.delete('/webhooks/:id', async (req, res) => {
    await deleteWebhook(services, req.params.id);
    res.status(204).end();
  });
  router.get('/webhooks/:id/deliveries', async (req, res) => {
    res.json({ deliveries: (await listDeliveries(services, req.params.id, 100)).map(({ _rev: _r, kind: _k, ...d }) => d) });
  });
  return router;
}

type ExportForm = Record<string, string | undefined>;

/** The page's recurring-transfer form: a saved transfer run again on a cron. */
function transferScheduleOf({ name, cron, timezone, transferId }: ExportForm) {
  return { name, cron, timezone: timezone || undefined, job: { kind: 'transfer', transferId } };
}

/** The page's recurring-export form as a schedule request: fields typed comma-separated, the rest as the API takes it. */
function exportScheduleOf(form: ExportForm) {
  const { name, cron, timezone, fields, jobKind: _kind, ...query } = form;
  const fieldList = (fields ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  return { name, cron, timezone: timezone || undefined, job: { kind: 'export', ...query, fields: fieldList } };
}

/** Why the form was refused, as the API would say it (code and message). */
function refusalOf(error: unknown): { code: string; message: string } | undefined {
  if (error instanceof ZodError) {
    return { code: 'VALIDATION_FAILED', message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('\n') };
  }
  return isAppError(error) && error.status < 500 ? { code: error.code, message: error.message } : undefined;
}

/** /schedules: every schedule with its next run, pause and resume, a recurring export's form; for admins the webhooks. */
export function schedulePageRoutes(services: Services): Router {
  const router = Router();
  const render = async (res: Response, form: ExportForm = {}, formError?: { code: string; message: string }) => {
    const admin = hasRole(currentUser(res)?.role ?? 'viewer', 'admin');
    const hooks = admin ? await listWebhookDocs(services) : [];
    const withLog = async (h: (typeof hooks)[number]) => ({ ...presentWebhook(h), deliveries: await listDeliveries(services, webhookIdOf(h), 10) });
    const webhooks = await Promise.all(hooks.map(withLog));
    const [schedules, connections, transferDocs] = await Promise.all([
      listSchedules(services), listConnections(services), listTransfers(services.store),
    ]);
    const transfers = transferDocs.map(presentTransfer);
    res.status(formError ? 400 : 200).render('pages/schedules/index', {
      title: res.locals.t('schedules.title'), schedules, webhooks, admin, events: WEBHOOK_EVENTS, connections, transfers, form, formError,
    });
  };
  // From a transfer's page ("Run on a schedule"): the recurring-transfer form with that transfer chosen.
  router.get('/', async (req, res) => {
    const transferId = typeof req.query.transfer === 'string' ? req.query.transfer : undefined;
    await render(res, transferId ? { jobKind: 'transfer', transferId } : {});
  });
  router.post('/', async (req, res) => {
    const { _csrf: _token, ...form } = (req.body ?? {}) as ExportForm;
    try {
      const request = form.jobKind === 'transfer' ? transferScheduleOf(form) : exportScheduleOf(form);
      const doc = await createSchedule(services, request, actor(res));
      auditCreated(res, doc);
      res.redirect(303, '/schedules');
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      await render(res, form, refusal);
    }
  });
  router.post('/:id/:action', async (req, res) => {
    const { action, id } = req.params;
    if (action !== 'pause' && action !== 'resume') throw badRequest(`Unknown action ${action}`);
    await setPaused(services, id, action === 'pause');
    res.locals.audit = { action: `schedules.${action}`, target: { type: 'schedule', id } };
    res.redirect(303, '/schedules');
  });
  return router;
}
