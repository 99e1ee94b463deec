import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { TOKEN_SCOPES, TOKEN_LIMITS, createToken, currentUser, hasRole, listTokens, requestAuth, revokeToken } from '../auth/index.js';

export const TokenListQuery = z.object({ all: z.enum(['true', 'false']).optional().meta({ description: 'admins: every user\'s tokens' }) });

const signedIn = (res: Response) => {
  const user = currentUser(res);
  if (!user) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first.');
  return user;
};
const isAdmin = (res: Response) => hasRole(signedIn(res).role, 'admin');

/** A token never mints another: a leaked token cannot outlive its own revocation or expiry. */
function assertNotToken(res: Response): void {
  if (requestAuth(res).via === 'token') {
    throw new AppError('TOKEN_CANNOT_CREATE_TOKEN', 403, 'An API token cannot create tokens; sign in (browser) or use your password.');
  }
}

/** /api/v1/me and /api/v1/tokens: who is calling; personal API tokens (created, listed with last use, revoked). */
export function tokenApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    const user = signedIn(res);
    const auth = requestAuth(res);
    const token = auth.tokenId ? { token: { id: auth.tokenId, scope: auth.scope } } : {};
    res.json({ username: user.username, role: user.role, via: auth.via, ...token });
  });
  router.get('/tokens', async (req, res) => {
    const { all } = TokenListQuery.parse(req.query);
    res.json({ tokens: await listTokens(services, all === 'true' && isAdmin(res) ? undefined : signedIn(res).username) });
  });
  router.post('/tokens', async (req, res) => {
    assertNotToken(res);
    const created = await createToken(services, signedIn(res).username, req.body);
    res.locals.audit = { action: 'tokens.create', target: { type: 'token', id: created.id }, details: { name: created.name, scope: created.scope } };
    res.status(201).json(created);
  });
  router.delete('/tokens/:id', async (req, res) => {
    const user = signedIn(res);
    const revoked = await revokeToken(services, req.params.id, user.username, isAdmin(res) ? undefined : user.username);
    res.locals.audit = { action: 'tokens.revoke', target: { type: 'token', id: revoked.id }, details: { owner: revoked.owner } };
    res.json(revoked);
  });
  return router;
}

/** /account/tokens: the page where a person creates (shown once), sees and revokes their tokens. */
export function tokenPageRoutes(services: Services): Router {
  const router = Router();
  const render = async (res: Response, created?: { token: string; name: string }) => {
    const tokens = await listTokens(services, signedIn(res).username);
    res.render('pages/account/tokens', { title: res.locals.t('tokens.title'), tokens, created, scopes: TOKEN_SCOPES, limits: TOKEN_LIMITS });
  };
  router.get('/tokens', (_req, res) => render(res));
  router.post('/tokens', async (req, res) => {
    const { _csrf: _token, ...fields } = (req.body ?? {}) as Record<string, unknown>;
    const created = await createToken(services, signedIn(res).username, fields);
    res.locals.audit = { action: 'tokens.create', target: { type: 'token', id: created.id }, details: { name: created.name, scope: created.scope } };
    res.set('cache-control', 'no-store');
    await render(res.status(201), created);
  });
  router.post('/tokens/:id/revoke', async (req, res) => {
    const user = signedIn(res);
    await revokeToken(services, req.params.id, user.username, user.username);
    res.locals.audit = { action: 'tokens.revoke', target: { type: 'token', id: req.params.id } };
    res.redirect(303, '/account/tokens');
  });
  return router;
}
