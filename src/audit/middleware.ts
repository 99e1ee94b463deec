import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { recordAudit } from './log.js';
import { type AuditInput, type AuditTarget } from './model.js';
import { describeRequest } from './actions.js';

/**
 * Writes one audit entry for every state-changing request that reached a route, previews and drafts
 * aside (after the response, so it never slows or breaks the request). Routes add what changed with
 * `res.locals.audit = { sha256, target, action, details }`; a refused request keeps its error code.
 */
export function auditTrail(services: Services): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    // Read now: by the time the response is sent, the routers have cut req.path down to their own part.
    const path = req.originalUrl.split('?')[0] ?? '/';
    res.on('finish', () => {
      const user = res.locals.user as { username: string } | undefined;
      const extra = (res.locals.audit ?? {}) as Partial<AuditInput>;
      const described = describeRequest(req.method, path);
      if ((!described && !extra.action) || (!user && !extra.actor)) return;
      const failed = res.locals.errorCode as string | undefined;
      const entry: AuditInput = {
        action: described?.action ?? '',
        actor: user?.username ?? 'anonymous',
        address: req.ip,
        outcome: res.statusCode < 400 ? 'ok' : res.statusCode === 401 || res.statusCode === 403 ? 'refused' : 'failed',
        ...extra,
        target: { ...described?.target, ...extra.target } as AuditTarget,
        details: { ...extra.details, ...(res.statusCode >= 400 ? { status: res.statusCode } : {}), ...(failed ? { error: failed } : {}) },
      };
      // A request made with an API token names it, whatever details the route added.
      const tokenId = (res.locals.auth as { tokenId?: string } | undefined)?.tokenId;
      if (tokenId) entry.details = { ...entry.details, token: tokenId };
      recordAudit(services, entry).catch((err: unknown) => logger('http').error({ err, action: entry.action }, 'audit entry could not be written'));
    });
    next();
  };
}
