import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../services.js';
import type { AuthUser } from './roles.js';
import { newToken, readSession } from './sessions.js';
import { authenticate } from './authenticate.js';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, cookieOptions, readCookie } from './cookies.js';

/** How the request proved who it is: a browser session (CSRF applies) or HTTP Basic on the API (it does not). */
export interface RequestAuth {
  via: 'session' | 'basic' | 'anonymous';
  sessionId?: string;
  /** The token state-changing requests must echo: the session's, or the pre-session cookie's for the login form. */
  csrf: string;
}

export function requestAuth(res: Response): RequestAuth {
  return res.locals.auth as RequestAuth;
}

export function currentUser(res: Response): AuthUser | undefined {
  return res.locals.user as AuthUser | undefined;
}

function basicCredentials(req: Request): { username: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ') || !req.path.startsWith('/api/')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 1 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Sets res.locals.user, res.locals.csrfToken and res.locals.auth for every request: from the
 * session cookie (Redis), or HTTP Basic credentials on /api/v1 for scripts and CI.
 */
export function sessionMiddleware(services: Services): RequestHandler {
  return async (req, res, next) => {
    // The language switch brings the user back here (helmet's no-referrer policy hides the Referer).
    res.locals.requestPath = req.originalUrl;
    const basic = basicCredentials(req);
    if (basic) {
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
