import { z } from 'zod';

/**
 * How DMS reaches one org. `local` is the embedded emulator (demo user); the other kinds are the
 * OAuth flows jsforce supports. Secrets never leave the worker: job payloads carry connection ids.
 */
const loginUrl = z.string().url().default('https://login.salesforce.com');

export const SalesforceCredentials = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), url: z.string().url() }),
  z.object({
    kind: z.literal('password'),
    loginUrl,
    username: z.string().min(1),
    password: z.string().min(1),
    securityToken: z.string().optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
  }),
  z.object({ kind: z.literal('jwt'), loginUrl, clientId: z.string().min(1), username: z.string().min(1), privateKeyPem: z.string().min(1) }),
  z.object({
    kind: z.literal('oauth'),
    instanceUrl: z.string().url(),
    refreshToken: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().optional(),
    accessToken: z.string().optional(),
  }),
]);
export type SalesforceCredentials = z.infer<typeof SalesforceCredentials>;

/** The emulator's demo user and connected app (see docs/emulator.md). */
export const LOCAL_ORG_LOGIN = { username: 'admin@local.org', password: 'password', clientId: 'dms-local', clientSecret: 'dms-local-secret' } as const;
