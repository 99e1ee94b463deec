import { Router, type Response } from 'express';
import type { Services } from '../services.js';
import { currentUser, hasRole } from '../auth/index.js';
import { badRequest } from '../errors.js';
import { createSchedule, deleteSchedule, getSchedule, listScheduleDocs, presentSchedule, setPaused } from '../schedules/index.js';
import { WEBHOOK_EVENTS, createWebhook, deleteWebhook, listDeliveries, listWebhookDocs, presentWebhook, webhookIdOf } from '../webhooks/index.js';

const actor = (res: Response) => currentUser(res)?.username ?? 'anonymous';
const listSchedules = async (services: Services) => Promise.all((await listScheduleDocs(services)).map((d) => presentSchedule(services, d)));

/** /api/v1/schedules (operators change them) and /api/v1/webhooks (admins; the central policy). */
export function scheduleApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/schedules', async (_req, res) => {
    res.json({ schedules: await listSchedules(services) });
  });
  router.post('/schedules', async (req, res) => {
    const doc = await createSchedule(services, req.body, actor(res));
    res.locals.audit = { action: 'schedules.create', target: { type: 'schedule', id: doc._id }, details: { name: doc.name, cron: doc.cron } };
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

/** /schedules: every schedule with its next run, pause and resume; for admins the webhooks and their delivery log. */
export function schedulePageRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const admin = hasRole(currentUser(res)?.role ?? 'viewer', 'admin');
    const hooks = admin ? await listWebhookDocs(services) : [];
    const withLog = async (h: (typeof hooks)[number]) => ({ ...presentWebhook(h), deliveries: await listDeliveries(services, webhookIdOf(h), 10) });
    const webhooks = await Promise.all(hooks.map(withLog));
    const schedules = await listSchedules(services);
    res.render('pages/schedules/index', { title: res.locals.t('schedules.title'), schedules, webhooks, admin, events: WEBHOOK_EVENTS });
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
