import { z } from 'zod';
import type { Role } from './roles.js';

/**
 * What a personal API token may do. read, operate and admin act as the viewer, operator and admin roles (never above
 * the owner's own role); metrics reaches /metrics only, for a Prometheus scraper that must not read data.
 */
export const TOKEN_SCOPES = ['read', 'operate', 'admin', 'metrics'] as const;
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

const SCOPE_ROLE: Record<Exclude<TokenScope, 'metrics'>, Role> = { read: 'viewer', operate: 'operator', admin: 'admin' };

/** The lower of the owner's role and the scope's (a viewer's admin token reads only). */
export function roleOfScope(scope: TokenScope, ownerRole: Role, rank: (role: Role) => number): Role | undefined {
  if (scope === 'metrics') return undefined;
  const scoped = SCOPE_ROLE[scope];
  return rank(scoped) <= rank(ownerRole) ? scoped : ownerRole;
}
