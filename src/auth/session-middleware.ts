import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../services.js';
import type { AuthUser } from './roles.js';
import { newToken, readSession } from './sessions.js';
import { authenticate } from './authenticate.js';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, cookieOptions, readCookie } from './cookies.js';
import { AppError } from '../errors.js';
import type { TokenScope } from './scopes.js';
import { auditTokenRead, authenticateToken } from './token-auth.js';

/** Where credentials in the Authorization header count: the API and the Prometheus endpoint. */
const HEADER_AUTH_PATH = /^\/(api\/|metrics$)/;

/** How the request proved who it is: a browser session (CSRF applies), or HTTP Basic or a token on the API (it does not). */
export interface RequestAuth {
  via: 'session' | 'basic' | 'token' | 'anonymous';
  sessionId?: string;
  /** A token's id and scope (src/auth/scopes.ts). */
  tokenId?: string;
  scope?: TokenScope;
  /** The token state-changing requests must echo: the session's, or the pre-session cookie's for the login form. */
  csrf: string;
}

export function requestAuth(res: Response): RequestAuth {
  return res.locals.auth as RequestAuth;
}

export function currentUser(res: Response): AuthUser | undefined {
  return res.locals.user as AuthUser | undefined;
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') && HEADER_AUTH_PATH.test(req.path) ? header.slice(7).trim() : undefined;
}

function basicCredentials(req: Request): { username: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ') || !HEADER_AUTH_PATH.test(req.path)) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 1 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Sets res.locals.user, res.locals.csrfToken and res.locals.auth for every request: from the
 * session cookie (Redis), or an API token (Bearer) or HTTP Basic credentials on /api/v1 and /metrics for scripts and CI.
 */
export function sessionMiddleware(services: Services): RequestHandler {
  return async (req, res, next) => {
    // The language switch brings the user back here (helmet's no-referrer policy hides the Referer).
    res.locals.requestPath = req.originalUrl;
    const bearer = bearerToken(req);
    if (bearer !== undefined) {
      const token = await authenticateToken(services, bearer, req.ip ?? 'unknown');
      res.locals.user = token.user;
      res.locals.auth = { via: 'token', csrf: '', tokenId: token.tokenId, scope: token.scope } satisfies RequestAuth;
      res.locals.csrfToken = '';
      if (req.method === 'GET' || req.method === 'HEAD') {
        auditTokenRead(services, token, { path: req.path, address: req.ip });
      }
      next();
      return;
    }
    const basic = basicCredentials(req);
    if (basic) {
      if (!services.config.apiBasicAuth) {
        throw new AppError('BASIC_AUTH_OFF', 401, 'HTTP Basic with a password is turned off here (API_BASIC_AUTH); send Authorization: Bearer with an API token.');
      }
      const user = await authenticate(services, basic.username, basic.password, req.ip ?? 'unknown');
      res.locals.user = user;
      res.locals.auth = { via: 'basic', csrf: '' } satisfies RequestAuth;
      res.locals.csrfToken = '';
      next();
      return;
    }
    const sessionId = readCookie(req, SESSION_COOKIE);
    const session = sessionId ? await readSession(services, sessionId) : undefined;
    if (session && sessionId) {
      res.locals.user = { username: session.username, role: session.role } satisfies AuthUser;
      res.locals.auth = { via: 'session', sessionId, csrf: session.csrf } satisfies RequestAuth;
      res.locals.csrfToken = session.csrf;
      next();
      return;
    }
    // Only the login form needs a token before there is a session.
    let pre = readCookie(req, PRE_SESSION_COOKIE) ?? '';
    if (req.path === '/login' && !/^[\w-]{43}$/.test(pre)) {
      pre = newToken();
      res.cookie(PRE_SESSION_COOKIE, pre, { ...cookieOptions(services), sameSite: 'strict' });
    }
    res.locals.user = undefined;
    res.locals.auth = { via: 'anonymous', csrf: pre } satisfies RequestAuth;
    res.locals.csrfToken = pre;
    next();
  };
}
