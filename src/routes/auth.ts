import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError, isAppError } from '../errors.js';
import { LOCALES } from '../i18n/index.js';
import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  authenticate,
  cookieOptions,
  createSession,
  destroySession,
  ensureInitialAdmin,
  requestAuth,
} from '../auth/index.js';

const LoginForm = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200), next: z.string().optional() });

/** Only same-site paths: `next` must never send a signed-in user to another host. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

function sameOriginReferer(req: Request): string {
  const referer = req.get('referer');
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    return url.host === req.get('host') ? safeNext(url.pathname + url.search) : '/';
  } catch {
    return '/';
  }
}

/** /login, /logout and the language switch /lang/:locale. */
export function authRoutes(services: Services): Router {
  const router = Router();
  void ensureInitialAdmin(services).catch(() => undefined);

  router.get('/login', (req, res) => {
    if (res.locals.user) return res.redirect(303, safeNext(req.query.next as string | undefined));
    res.render('pages/auth/login', { title: res.locals.t('auth.signIn'), next: safeNext(req.query.next as string | undefined), error: undefined, username: '' });
  });

  router.post('/login', async (req, res) => {
    const form = LoginForm.safeParse(req.body);
    const next = safeNext(form.success ? form.data.next : undefined);
    try {
      if (!form.success) throw new AppError('LOGIN_FAILED', 400, 'Enter a user name and a password.');
      await ensureInitialAdmin(services);
      const user = await authenticate(services, form.data.username, form.data.password, req.ip ?? 'unknown');
      const previous = requestAuth(res).sessionId;
      if (previous) await destroySession(services, previous);
      const session = await createSession(services, user);
      res.locals.audit = { actor: user.username, action: 'session.login', target: { type: 'session' } };
      res.cookie(SESSION_COOKIE, session.id, cookieOptions(services, SESSION_TTL_SECONDS * 1000));
      res.redirect(303, next);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      const username = form.success ? form.data.username : '';
      res.locals.audit = { actor: username.slice(0, 100) || 'anonymous', action: 'session.login', target: { type: 'session' } };
      res.status(error.status);
      if (error.status === 429) res.set('Retry-After', String((error.details as { retryAfterSeconds: number }).retryAfterSeconds));
      res.render('pages/auth/login', { title: res.locals.t('auth.signIn'), next, error: error.code, username });
    }
  });

  router.post('/logout', async (_req, res) => {
    const { sessionId } = requestAuth(res);
    if (sessionId) await destroySession(services, sessionId);
    res.locals.audit = { action: 'session.logout', target: { type: 'session' } };
    res.clearCookie(SESSION_COOKIE, cookieOptions(services));
    res.redirect(303, '/login');
  });

  router.get('/lang/:locale', (req, res) => {
    const locale = req.params.locale;
    if (!(LOCALES as readonly string[]).includes(locale)) throw new AppError('UNKNOWN_LOCALE', 404, `DMS speaks ${LOCALES.join(' and ')}, not ${locale}.`);
    res.cookie('lang', locale, { ...cookieOptions(services, 365 * 24 * 3600 * 1000), httpOnly: false });
    res.redirect(303, typeof req.query.next === 'string' ? safeNext(req.query.next) : sameOriginReferer(req));
  });

  return router;
}
