import type { IncomingHttpHeaders } from 'node:http';
import type { CookieOptions } from 'express';
import type { Services } from '../services.js';

export const SESSION_COOKIE = 'dms_session';
/** Anonymous visitors' CSRF token for the login form (double-submit: cookie and form field must match). */
export const PRE_SESSION_COOKIE = 'dms_pre';

const cookiePatterns = new Map<string, RegExp>();

export function readCookie(req: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  let pattern = cookiePatterns.get(name);
  if (!pattern) cookiePatterns.set(name, (pattern = new RegExp(`(?:^|;\\s*)${name}=([^;]+)`)));
  const match = pattern.exec(req.headers.cookie ?? '');
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** HttpOnly, SameSite=Lax, and Secure wherever TLS terminates in front of us (Cloud Foundry, production). */
export function cookieOptions(services: Services, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: services.config.onCloudFoundry || services.config.env === 'production',
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}
