import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { recordAudit } from './log.js';
import { type AuditInput, type AuditTarget } from './model.js';

const VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };
const RESOURCE_TARGET: Record<string, AuditTarget['type']> = {
  datasets: 'dataset',
  templates: 'template',
  migrations: 'migration',
  connections: 'connection',
  users: 'user',
  queues: 'queue',
};

/**
 * What a request did, from its path: POST /api/v1/migrations/m1/pause -> migrations.pause on
 * migration m1; POST /datasets -> datasets.create. Routes may refine it through res.locals.audit.
 */
export function describeRequest(method: string, path: string): Pick<AuditInput, 'action' | 'target'> {
  const parts = path.replace(/^\/api\/v1/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const skipAdmin = parts[0] === 'admin' ? parts.slice(1) : parts;
  const [resource = 'root', id, ...rest] = skipAdmin;
  const type = RESOURCE_TARGET[resource] ?? 'other';
  const verb = rest.length > 0 ? rest.join('.') : (VERB[method] ?? method.toLowerCase());
  return { action: `${resource}.${verb}`.slice(0, 100), target: { type, ...(id ? { id: id.slice(0, 200) } : {}) } };
}

/**
 * Writes one audit entry for every state-changing request that reached a route (after the
 * response, so it never slows or breaks the request). Routes add detail with
 * `res.locals.audit = { sha256, target, action, details }`.
 */
export function auditTrail(services: Services): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    res.on('finish', () => {
      const user = res.locals.user as { username: string } | undefined;
      const extra = (res.locals.audit ?? {}) as Partial<AuditInput> & { skip?: boolean };
      if (extra.skip || (!user && !extra.actor)) return;
      const entry: AuditInput = {
        ...describeRequest(req.method, req.path),
        actor: user?.username ?? 'anonymous',
        address: req.ip,
        outcome: res.statusCode < 400 ? 'ok' : res.statusCode === 401 || res.statusCode === 403 ? 'refused' : 'failed',
        details: { method: req.method, path: req.path.slice(0, 200), status: res.statusCode },
        ...extra,
      };
      // A request made with an API token names it, whatever details the route added.
      const tokenId = (res.locals.auth as { tokenId?: string } | undefined)?.tokenId;
      if (tokenId) entry.details = { ...entry.details, token: tokenId };
      recordAudit(services, entry).catch((err: unknown) => logger('http').error({ err, action: entry.action }, 'audit entry could not be written'));
    });
    next();
  };
}
