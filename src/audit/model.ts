import { z } from 'zod';

export const AUDIT_TARGETS = [
  'dataset', 'template', 'validation', 'migration', 'connection', 'user', 'session', 'queue', 'token', 'schedule', 'transfer', 'other',
] as const;
export const AuditTarget = z.object({ type: z.enum(AUDIT_TARGETS), id: z.string().max(200).optional() });
export type AuditTarget = z.infer<typeof AuditTarget>;

/** One thing someone did. Stored once, never updated or deleted. */
export const AuditEntry = z.object({
  actor: z.string().max(100),
  action: z.string().max(100),
  target: AuditTarget,
  /** SHA-256 (hex) of an uploaded file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  address: z.string().max(100).optional(),
  outcome: z.enum(['ok', 'refused', 'failed']).default('ok'),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export type AuditInput = z.input<typeof AuditEntry>;

export const AuditDoc = AuditEntry.extend({ _id: z.string(), _rev: z.string().optional(), kind: z.literal('audit'), at: z.string() });
export type AuditDoc = z.infer<typeof AuditDoc>;

export const AuditFilter = z.object({
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  targetType: z.enum(AUDIT_TARGETS).optional(),
  targetId: z.string().trim().max(200).optional(),
  from: z.string().trim().optional(),
  to: z.string().trim().optional(),
  /** Keyset paging (works on CouchDB, Cloudant and PouchDB alike): entries strictly older than this `at`. */
  before: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditFilter = z.infer<typeof AuditFilter>;
