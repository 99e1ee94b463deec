import { z } from 'zod';

/** viewer reads; operator uploads, configures, runs and retries; admin also manages connections, users and production roll backs. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export function hasRole(actual: Role, needed: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(needed);
}

/** Who is making a request, as routes and views see it (res.locals.user). */
export interface AuthUser {
  username: string;
  role: Role;
}
