import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { recordAudit } from '../audit/index.js';
import { ROLES, type AuthUser } from './roles.js';
import { roleOfScope, type TokenScope } from './scopes.js';
import { verifyToken } from './tokens.js';
import { findUser } from './users.js';

export interface TokenAuth {
  /** Undefined for a metrics token: it acts as no user, /metrics checks its scope itself. */
  user?: AuthUser;
  owner: string;
  tokenId: string;
  scope: TokenScope;
}

/** Reads by one token are audited at most once in this window (a polling script would flood the log otherwise). */
export const TOKEN_READ_AUDIT_SECONDS = 600;

const rank = (role: AuthUser['role']) => ROLES.indexOf(role);

/** `Authorization: Bearer dms_...`: the token, then its owner (who may since have been disabled or demoted). */
export async function authenticateToken(services: Services, presented: string, address: string): Promise<TokenAuth> {
  const token = await verifyToken(services, presented, address);
  const owner = await findUser(services, token.owner);
  if (!owner || owner.disabled) {
    throw new AppError('TOKEN_INVALID', 401, `The owner of this API token (${token.owner}) is disabled or no longer exists.`);
  }
  const role = roleOfScope(token.scope, owner.role, rank);
  const user = role ? { username: owner.username, role } : undefined;
  return { user, owner: owner.username, tokenId: token._id.slice('token:'.length), scope: token.scope };
}

/**
 * Every state change is audited with its token by the audit trail; reads are recorded here as `tokens.use`, at most
 * once per token per TOKEN_READ_AUDIT_SECONDS, so the log shows which tokens are in use without one entry per poll.
 */
export function auditTokenRead(services: Services, token: TokenAuth, request: { path: string; address?: string }): void {
  const key = `${services.config.queue.prefix}:token-read-audited:${token.tokenId}`;
  void services.redis
    .set(key, '1', 'EX', TOKEN_READ_AUDIT_SECONDS, 'NX')
    .then((first) => {
      if (first !== 'OK') return;
      return recordAudit(services, {
        actor: token.owner, action: 'tokens.use', target: { type: 'token', id: token.tokenId }, address: request.address,
        details: { scope: token.scope, path: request.path.slice(0, 200), method: 'GET' },
      });
    })
    .catch((err: unknown) => logger('http').error({ err }, 'token use could not be audited'));
}
