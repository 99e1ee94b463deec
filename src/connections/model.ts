import { z } from 'zod';
import { SealedBox } from './secret-box.js';

/** The Local org (the emulator started by `npm start`): not stored, always offered when it runs. */
export const LOCAL_ORG_CONNECTION_ID = 'local';

export const CONNECTION_METHODS = ['password', 'jwt', 'oauth'] as const;
export const ConnectionMethod = z.enum(CONNECTION_METHODS);
export type ConnectionMethod = z.infer<typeof ConnectionMethod>;

/** What is sealed inside `secret`: never logged, never sent to the browser, never put in job data. */
export const ConnectionSecrets = z.object({
  password: z.string().optional(),
  securityToken: z.string().optional(),
  clientSecret: z.string().optional(),
  privateKey: z.string().optional(),
  refreshToken: z.string().optional(),
});
export type ConnectionSecrets = z.infer<typeof ConnectionSecrets>;

/**
 * What a Data Loader user sets once per org: the zone of date-times without an offset, whether dates are day
 * first (European) or month first, and whether blank cells clear fields (Data Loader's "insert null values").
 * New cast steps and new runs on this connection start from them.
 */
export const ConnectionDefaults = z.object({
  timeZone: z.string().min(1).max(64).optional(),
  dateOrder: z.enum(['DMY', 'MDY']).optional(),
  insertNulls: z.boolean().default(false),
});
export type ConnectionDefaults = z.infer<typeof ConnectionDefaults>;

export const ConnectionDoc = z.object({
  _id: z.string().startsWith('connection:'),
  _rev: z.string().optional(),
  kind: z.literal('connection'),
  name: z.string().min(1).max(100),
  method: ConnectionMethod,
  loginUrl: z.url(),
  username: z.string().optional(),
  clientId: z.string().optional(),
  /** Roll back on a production org needs the admin role. */
  production: z.boolean(),
  defaults: ConnectionDefaults.default({ insertNulls: false }),
  instanceUrl: z.string().optional(),
  orgId: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  secret: SealedBox,
});
export type ConnectionDoc = z.infer<typeof ConnectionDoc>;

/** The browser- and API-safe view of a connection: no secret, not even sealed. */
export interface ConnectionSummary {
  id: string;
  name: string;
  method: ConnectionMethod | 'local';
  loginUrl: string;
  username?: string;
  production: boolean;
  defaults: ConnectionDefaults;
  orgId?: string;
  createdAt?: string;
  createdBy?: string;
}

export function summarize(doc: ConnectionDoc): ConnectionSummary {
  return {
    id: doc._id.slice('connection:'.length),
    name: doc.name,
    method: doc.method,
    loginUrl: doc.loginUrl,
    username: doc.username,
    production: doc.production,
    defaults: doc.defaults,
    orgId: doc.orgId,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

export const docId = (id: string): string => `connection:${id}`;
