import { createHmac } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { newToken, type EmulatorState } from '../state.js';
import { faultMiddleware } from '../faults.js';
import { verifyJwtAssertion } from './jwt.js';
import { sendErrors } from './respond.js';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Finds the configured user by username and password (with or without the security token). */
export function checkPassword(state: EmulatorState, username: string, password: string): { id: string; username: string } | null {
  const entry = state.users.get(username.toLowerCase());
  if (!entry) return null;
  const { user } = entry;
  const ok = password === user.password || (user.securityToken !== '' && password === user.password + user.securityToken);
  return ok ? { id: entry.id, username: user.username } : null;
}

/** Opens a session for the user and returns its access token. */
export function openSession(state: EmulatorState, user: { id: string; username: string }): string {
  const token = newToken(state.options.orgId);
  const expiresAt = Date.now() + state.options.sessionTimeoutMinutes * 60_000;
  state.sessions.set(token, { userId: user.id, username: user.username, calls: 0, expired: false, expiresAt });
  state.sessionsChanged = true;
  state.logins += 1;
  return token;
}

function tokenResponse(state: EmulatorState, req: Request, user: { id: string; username: string }, withRefresh: boolean): Record<string, unknown> {
  const origin = originOf(req);
  const id = `${origin}/id/${state.options.orgId}/${user.id}`;
  const issuedAt = String(Date.now());
  const body: Record<string, unknown> = {
    access_token: openSession(state, user),
    instance_url: origin,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    signature: createHmac('sha256', state.options.clientSecret).update(id + issuedAt).digest('base64'),
    scope: withRefresh ? 'api refresh_token full' : 'api full',
  };
  if (withRefresh) {
    const refresh = newToken(state.options.orgId);
    state.refreshTokens.set(refresh, user.username.toLowerCase());
    state.sessionsChanged = true;
    body.refresh_token = refresh;
  }
  return body;
}

function oauthError(res: Response, error: string, description: string): void {
  res.status(400).json({ error, error_description: description });
}

/** Client credentials from the form or from HTTP Basic auth. */
function clientOf(req: Request): { id?: string; secret?: string } {
  const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: req.body?.client_id, secret: req.body?.client_secret };
}

function grant(state: EmulatorState, req: Request, res: Response): void {
  const body = (req.body ?? {}) as Record<string, string | undefined>;
  const client = clientOf(req);
  const grantType = body.grant_type;
  if (grantType === JWT_GRANT) {
    const result = verifyJwtAssertion(state, body.assertion ?? '', originOf(req));
    if ('error' in result) return oauthError(res, 'invalid_grant', result.error);
    res.json(tokenResponse(state, req, result.user, false));
    return;
  }
  if (client.id !== state.options.clientId) return oauthError(res, 'invalid_client_id', 'client identifier invalid');
  if (grantType === 'password') {
    if (client.secret !== state.options.clientSecret) return oauthError(res, 'invalid_client', 'invalid client credentials');
    const user = checkPassword(state, body.username ?? '', body.password ?? '');
    if (!user) return oauthError(res, 'invalid_grant', 'authentication failure');
    res.json(tokenResponse(state, req, user, state.options.refreshTokenOnPasswordGrant));
    return;
  }
  if (grantType === 'refresh_token') {
    if (client.secret !== undefined && client.secret !== state.options.clientSecret) return oauthError(res, 'invalid_client', 'invalid client credentials');
    const username = state.refreshTokens.get(body.refresh_token ?? '');
    const entry = username ? state.users.get(username) : undefined;
    if (!entry) return oauthError(res, 'invalid_grant', 'expired access/refresh token');
    const { refresh_token: _unchanged, ...fresh } = tokenResponse(state, req, { id: entry.id, username: entry.user.username }, false);
    res.json(fresh);
    return;
  }
  oauthError(res, 'unsupported_grant_type', 'grant type not supported');
}

export function oauthRouter(state: EmulatorState): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false }));
  // A login meets the same injected latency and 503s as the API (a real org answers 503 during maintenance).
  router.post('/services/oauth2/token', faultMiddleware(state.faults), (req, res) => grant(state, req, res));
  router.post('/services/oauth2/revoke', (req, res) => {
    const token = String(req.body?.token ?? '');
    state.sessions.delete(token);
    state.refreshTokens.delete(token);
    state.sessionsChanged = true;
    res.status(200).end();
  });
  return router;
}

/** The access token of a request: `Authorization: Bearer|OAuth <token>`, or `oauth_token` in the query (identity URL). */
export function tokenOf(req: Request): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.get('authorization') ?? '');
  if (match) return match[1].trim();
  const fromQuery = req.query.oauth_token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** 401 INVALID_SESSION_ID for unknown or expired tokens; counts calls for the injected session expiry. */
export function requireSession(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = tokenOf(req);
    const session = token ? state.sessions.get(token) : undefined;
    const now = Date.now();
    if (session && !session.expired && session.expiresAt < now) {
      session.expired = true;
      state.sessions.delete(token!);
      state.sessionsChanged = true;
    }
    if (session && !session.expired) session.expiresAt = now + state.options.sessionTimeoutMinutes * 60_000;
    const expireAfter = (res.locals.faults ?? state.faults.settings).sessionExpiryAfter;
    if (session && !session.expired) {
      session.calls += 1;
      if (expireAfter > 0 && session.calls > expireAfter) session.expired = true;
    }
    if (!session || session.expired) {
      sendErrors(res, 401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
      return;
    }
    res.locals.session = session;
    next();
  };
}
