import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { currentUser } from '../auth/index.js';
import { recordAudit } from '../audit/index.js';
import { isValidTimeZone } from '../frame/index.js';
import {
  createConnection,
  deleteConnection,
  finishOAuth,
  listConnections,
  startOAuth,
  testConnection,
  updateConnectionSettings,
  type NewConnection,
} from '../connections/index.js';

const text = (max = 200) => z.string().trim().max(max);
const optional = (max = 200) => text(max).transform((v) => v || undefined).optional();
const checkbox = z.union([z.literal('on'), z.literal('true'), z.boolean()]).optional().transform((v) => v === true || v === 'on' || v === 'true');
const loginUrl = z.url({ protocol: /^https?$/ }).default('https://login.salesforce.com');

/** One schema for the add-connection form and the JSON API. */
export const ConnectionRequest = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('password'),
    name: text(100).min(1),
    loginUrl,
    username: text().min(1),
    password: z.string().min(1).max(200),
    securityToken: optional(),
    clientId: optional(300),
    clientSecret: optional(300),
    production: checkbox,
  }),
  z.object({
    method: z.literal('jwt'),
    name: text(100).min(1),
    loginUrl,
    username: text().min(1),
    clientId: text(300).min(1),
    privateKey: z.string().trim().min(1).max(20_000).regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'The private key must be PEM (-----BEGIN PRIVATE KEY-----)'),
    production: checkbox,
  }),
]);

/** The production marker and the org's defaults: the page's form (text, checkboxes) and the JSON API alike. */
export const ConnectionSettings = z.object({
  production: checkbox,
  timeZone: optional(64).refine((v) => v === undefined || isValidTimeZone(v), 'is not a known IANA time zone (e.g. Europe/Berlin)'),
  dateOrder: z.enum(['', 'DMY', 'MDY']).optional().transform((v) => v || undefined),
  insertNulls: checkbox,
}).transform(({ production, ...defaults }) => ({ production, defaults }));

const OAuthStartForm = z.object({ name: text(100).min(1), loginUrl, clientId: text(300).min(1), clientSecret: optional(300), production: checkbox });

function toNewConnection(body: unknown): NewConnection {
  const r = ConnectionRequest.parse(body);
  if (r.method === 'password') {
    return {
      name: r.name, method: r.method, loginUrl: r.loginUrl, username: r.username, clientId: r.clientId, production: r.production,
      secrets: { password: r.password, securityToken: r.securityToken, clientSecret: r.clientSecret },
    };
  }
  return { name: r.name, method: r.method, loginUrl: r.loginUrl, username: r.username, clientId: r.clientId, production: r.production, secrets: { privateKey: r.privateKey } };
}

const actor = (res: Response) => currentUser(res)?.username ?? 'anonymous';
const callbackUrl = (req: Request) => `${req.protocol}://${req.get('host')}/connections/oauth/callback`;

/** Pages under /connections: list, add (password, JWT, OAuth with PKCE), test, remove. Changes are admin-only (central policy). */
export function connectionPageRoutes(services: Services): Router {
  const router = Router();
  const render = async (res: Response, extra: Record<string, unknown> = {}) =>
    res.render('pages/connections/index', { title: res.locals.t('connections.title'), connections: await listConnections(services), check: undefined, error: undefined, ...extra });

  router.get('/', async (_req, res) => render(res));

  router.post('/', async (req, res) => {
    const created = await createConnection(services, toNewConnection(req.body), actor(res));
    res.locals.audit = { target: { type: 'connection', id: created.id }, details: { method: created.method, name: created.name, production: created.production } };
    res.redirect(303, '/connections');
  });

  router.post('/oauth/start', async (req, res) => {
    const form = OAuthStartForm.parse(req.body);
    res.redirect(303, await startOAuth(services, { ...form, actor: actor(res), redirectUri: callbackUrl(req) }));
  });

  router.get('/oauth/callback', async (req, res) => {
    const { state, code, error_description: denied } = z.object({ state: text(200), code: optional(2000), error_description: optional(500) }).parse(req.query);
    if (denied || !code) return render(res.status(400), { error: denied ?? 'Salesforce sent no authorization code.' });
    const created = await finishOAuth(services, { state, code, actor: actor(res) });
    await recordAudit(services, {
      actor: actor(res), action: 'connection.create', target: { type: 'connection', id: created.id }, address: req.ip,
      details: { method: 'oauth', name: created.name, production: created.production },
    });
    res.redirect(303, '/connections');
  });

  router.post('/:id/test', async (req, res) => {
    const check = await testConnection(services, req.params.id).catch((error: Error) => ({ failed: error.message }));
    res.locals.audit = { outcome: 'failed' in check ? 'failed' : 'ok' };
    await render(res, { check: { id: req.params.id, ...check } });
  });

  router.post('/:id/settings', async (req, res) => {
    const changed = await updateConnectionSettings(services, req.params.id, ConnectionSettings.parse(req.body));
    res.locals.audit = { details: { production: changed.production, insertNulls: changed.defaults.insertNulls, dateOrder: changed.defaults.dateOrder ?? null, timeZone: changed.defaults.timeZone ?? null } };
    res.redirect(303, '/connections');
  });

  router.post('/:id/delete', async (req, res) => {
    await deleteConnection(services, req.params.id);
    res.redirect(303, '/connections');
  });
  return router;
}

/** /api/v1/connections: summaries only; secrets go in and never come out. */
export function connectionApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ connections: await listConnections(services) });
  });
  router.post('/', async (req, res) => {
    const created = await createConnection(services, toNewConnection(req.body), actor(res));
    res.locals.audit = { target: { type: 'connection', id: created.id }, details: { method: created.method, name: created.name, production: created.production } };
    res.status(201).json(created);
  });
  router.post('/:id/test', async (req, res) => {
    res.json(await testConnection(services, req.params.id));
  });
  router.patch('/:id', async (req, res) => {
    res.json(await updateConnectionSettings(services, req.params.id, ConnectionSettings.parse(req.body)));
  });
  router.delete('/:id', async (req, res) => {
    await deleteConnection(services, req.params.id);
    res.status(204).end();
  });
  return router;
}
