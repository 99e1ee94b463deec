import { z } from 'zod';

export const AUDIT_TARGETS = [
  'dataset', 'template', 'validation', 'migration', 'connection', 'user', 'session', 'queue', 'token', 'schedule', 'plan', 'transfer', 'other',
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

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A stored entry. `seq` orders the chain (its id is `audit:seq:<seq, 12 digits>`); `hash` is the SHA-256 of the
 * entry's canonical content including `prevHash`, the hash of entry `seq - 1` (64 zeros for the first). Entries
 * written before the chain existed have none of the three.
 */
export const AuditDoc = AuditEntry.extend({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('audit'),
  at: z.string(),
  seq: z.number().int().min(1).optional(),
  prevHash: Sha256.optional(),
  hash: Sha256.optional(),
});
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

/** The first entry of the chain that does not match, and how (GET /api/v1/audit/verify). */
export const ChainBreak = z.object({
  /** content: its fields do not give its hash; link: its prevHash is not the previous entry's hash; missing: entries are gone. */
  problem: z.enum(['content', 'link', 'missing']),
  id: z.string(),
  seq: z.number().int(),
  at: z.string().optional(),
  message: z.string(),
  expected: z.string().optional(),
  found: z.string().optional(),
});
export type ChainBreak = z.infer<typeof ChainBreak>;

export const ChainReport = z.object({
  ok: z.boolean(),
  /** Chained entries checked, in order, before the first break. */
  checked: z.number().int(),
  /** Entries written before the chain existed (no seq or hash): exported, not verifiable. */
  unchained: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
  firstBreak: ChainBreak.optional(),
  verifiedAt: z.string(),
});
export type ChainReport = z.infer<typeof ChainReport>;
