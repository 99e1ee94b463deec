import { Router, type Response } from 'express';
import { z } from 'zod';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Services } from '../services.js';
import { sendPiece } from '../web/send-piece.js';
import { QUEUE_NAMES } from '../queue/index.js';
import { AUDIT_TARGETS, AuditFilter, exportAudit, listAudit, verifyAuditChain } from '../audit/index.js';
import { Role, createUser, currentUser, destroyUserSessions, listUsers, updateUser, ROLES } from '../auth/index.js';

/** A form's select or checkbox ('on', 'true', 'false') or a JSON boolean; absent stays undefined (no change). */
const FlagField = z
  .union([z.literal('on'), z.literal('true'), z.literal('false'), z.boolean()])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === true || v === 'on' || v === 'true'));

export const NewUserRequest = z.object({ username: z.string(), password: z.string(), role: Role, approver: FlagField });
export const UserChange = z.object({
  role: Role.optional(),
  password: z.string().trim().transform((v) => v || undefined).optional(),
  disabled: FlagField,
  /** May approve production runs someone else asked for (src/migrations/approval.ts). */
  approver: FlagField,
});

const actor = (res: Response) => currentUser(res)?.username ?? 'anonymous';

/** bull-board over every queue of the catalogue, for admins (the central policy guards /admin). */
export function queueBoard(services: Services, basePath: string): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  // bull-board is its own page: its header links back to DMS.
  const uiConfig = { boardTitle: 'DMS queues', miscLinks: [{ text: '← DMS dashboard', url: '/dashboard' }, { text: 'Audit log', url: '/admin/audit' }] };
  createBullBoard({ queues: QUEUE_NAMES.map((name) => new BullMQAdapter(services.producer.queue(name))), serverAdapter, options: { uiConfig } });
  return serverAdapter.getRouter() as Router;
}

/** /admin: users and roles, the audit log with filters, and the queue board at /admin/queues. */
export function adminPageRoutes(services: Services): Router {
  const router = Router();
  router.use('/queues', queueBoard(services, '/admin/queues'));

  router.get('/', async (_req, res) => {
    res.render('pages/admin/users', { title: res.locals.t('admin.title'), users: await listUsers(services), roles: ROLES });
  });

  router.post('/users', async (req, res) => {
    const created = await createUser(services, NewUserRequest.parse(req.body), actor(res));
    res.locals.audit = { target: { type: 'user', id: created.username }, details: { role: created.role, approver: created.approver } };
    res.redirect(303, '/admin');
  });

  router.post('/users/:username', async (req, res) => {
    const change = UserChange.parse(req.body);
    const updated = await updateUser(services, req.params.username, change);
    // A new role or password takes effect at once: the user signs in again.
    await destroyUserSessions(services, updated.username);
    res.locals.audit = {
      details: { role: updated.role, passwordChanged: change.password !== undefined, disabled: change.disabled ?? null, approver: updated.approver },
    };
    res.redirect(303, '/admin');
  });

  router.get('/audit', async (req, res) => {
    const filter = AuditFilter.parse(Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== '')));
    const page = await listAudit(services, filter);
    // The "Verify the chain" button sends verify=1: the walk reads every entry, so only on demand.
    const chain = req.query.verify === '1' ? await verifyAuditChain(services) : undefined;
    const query = new URLSearchParams(req.query as Record<string, string>);
    query.delete('verify');
    res.render('pages/admin/audit', { title: res.locals.t('admin.audit'), ...page, filter, targets: AUDIT_TARGETS, query, chain });
  });
  return router;
}

/** /api/v1/users and /api/v1/audit (admin only by the central policy). */
export function adminApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/users', async (_req, res) => {
    res.json({ users: await listUsers(services) });
  });
  router.post('/users', async (req, res) => {
    const created = await createUser(services, NewUserRequest.parse(req.body), actor(res));
    res.status(201).json(created);
  });
  router.patch('/users/:username', async (req, res) => {
    const updated = await updateUser(services, req.params.username, UserChange.parse(req.body));
    await destroyUserSessions(services, updated.username);
    res.locals.audit = { details: { role: updated.role, approver: updated.approver } };
    res.json(updated);
  });
  router.get('/audit', async (req, res) => {
    res.json(await listAudit(services, AuditFilter.parse(req.query)));
  });
  router.get('/audit/verify', async (_req, res) => {
    res.json(await verifyAuditChain(services));
  });
  router.get('/audit/export', async (_req, res) => {
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.ndjson"`);
    await exportAudit(services, (line) => sendPiece(res, line));
    res.end();
  });
  return router;
}
