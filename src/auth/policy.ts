import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import { hasRole, type Role } from './roles.js';
import { currentUser, requestAuth } from './session-middleware.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reachable without signing in. */
const PUBLIC_PATHS = [/^\/login$/, /^\/healthz$/, /^\/readyz$/, /^\/api\/v1\/openapi\.json$/, /^\/lang\/[\w-]+$/, /^\/public\//, /^\/favicon\.ico$/];

/** State changes any signed-in user may make (a viewer can still sign out and manage their own API tokens). */
const SIGNED_IN_WRITES = [/^\/logout$/, /^\/(api\/v1|account)\/tokens(\/|$)/];

/** Areas that need the admin role: every method, or only state changes ('write'). */
const ADMIN_AREAS: { pattern: RegExp; methods: 'all' | 'write' }[] = [
  { pattern: /^\/admin(\/|$)/, methods: 'all' },
  { pattern: /^\/api\/v1\/(users|audit)(\/|$)/, methods: 'all' },
  { pattern: /^\/(api\/v1\/)?connections(\/|$)/, methods: 'write' },
  { pattern: /^\/metrics$/, methods: 'all' },
  { pattern: /^\/(api\/v1\/)?webhooks(\/|$)/, methods: 'all' },
];

/** Pages whose own scripts (bull-board's) cannot send our token: a same-origin check stands in for it. */
const SAME_ORIGIN_ONLY = [/^\/admin\/queues(\/|$)/];

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.path === '/metrics' || req.accepts(['html', 'json']) === 'json';

function refuse(req: Request, res: Response, needed: Role): void {
  const user = currentUser(res);
  const auth = requestAuth(res);
  if (auth?.via === 'token' && !user) {
    throw new AppError('TOKEN_SCOPE', 403, `This API token's scope (${auth.scope}) reaches /metrics only.`);
  }
  if (!user) {
    if (wantsJson(req)) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first: send an API token (Authorization: Bearer), or the session cookie.');
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  throw new AppError('FORBIDDEN', 403, `This needs the ${needed} role; you are signed in as ${user.username} (${user.role}). Ask an administrator.`);
}

/** Route-level guard other rooms use to mark a route, e.g. `router.post('/:id/rollback', requireRole('admin'), ...)`. */
export function requireRole(role: Role): RequestHandler {
  return (req, res, next) => {
    const user = currentUser(res);
    if (user && hasRole(user.role, role)) return next();
    refuse(req, res, role);
  };
}

/** Throws unless the signed-in user has `role` (for decisions inside a handler, e.g. roll back on a production org). */
export function assertRole(res: Response, role: Role): void {
  const user = currentUser(res);
  if (!user || !hasRole(user.role, role)) {
    throw new AppError('FORBIDDEN', 403, `This needs the ${role} role${user ? `; you are ${user.username} (${user.role})` : ''}. Ask an administrator.`);
  }
}

/** The role the central policy asks of a request (also used by the response cache in front of Express). */
export function requiredRole(method: string, path: string): Role | 'public' {
  if (PUBLIC_PATHS.some((p) => p.test(path))) return 'public';
  const write = !SAFE_METHODS.has(method);
  const adminArea = ADMIN_AREAS.some((a) => a.pattern.test(path) && (a.methods === 'all' || write));
  return adminArea ? 'admin' : write && !SIGNED_IN_WRITES.some((p) => p.test(path)) ? 'operator' : 'viewer';
}

/**
 * The central policy, before every router: sign-in everywhere except PUBLIC_PATHS; viewer for
 * reads, operator for state changes, admin for ADMIN_AREAS. Routes may demand more with requireRole.
 */
export const authorize: RequestHandler = (req, res, next) => {
  const needed = requiredRole(req.method, req.path);
  if (needed === 'public') return next();
  if (req.path === '/metrics' && requestAuth(res).scope === 'metrics') return next();
  const user = currentUser(res);
  if (user && hasRole(user.role, needed)) return next();
  refuse(req, res, needed);
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function sameOrigin(req: Request): boolean {
  const origin = req.get('origin') ?? req.get('referer');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * Synchronizer-token CSRF check on every state change from a browser session: the `_csrf` form
 * field or the `x-csrf-token` header must equal the session's token. HTTP Basic API clients are
 * exempt (browsers never attach those credentials on their own: we send no WWW-Authenticate).
 */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const auth = requestAuth(res);
  if (auth.via === 'basic' || auth.via === 'token') return next();
  if (SAME_ORIGIN_ONLY.some((p) => p.test(req.path)) && sameOrigin(req)) return next();
  const sent = req.get('x-csrf-token') ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
  if (typeof sent === 'string' && sameToken(sent, auth.csrf)) return next();
  throw new AppError('CSRF_REFUSED', 403, 'This form has expired or did not come from DMS (missing or wrong CSRF token). Reload the page and try again.');
};
