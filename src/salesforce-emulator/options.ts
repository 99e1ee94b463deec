import { z } from 'zod';

/** Fault injection settings; the same keys work in options, the X-Emulator-Fault header and POST /__emulator/faults. */
export const FaultSettings = z.object({
  /** Added delay before each API response, in milliseconds. */
  latency: z.coerce.number().int().min(0).max(120_000).default(0),
  /** Share of API requests answered 503 Service Unavailable (0..1). */
  status503: z.coerce.number().min(0).max(1).default(0),
  /** The next N API requests answer 503 (runtime counter; decremented per request). */
  status503Next: z.coerce.number().int().min(0).default(0),
  /** Share of records failing with UNABLE_TO_LOCK_ROW (collections, single records and Bulk ingest). */
  lockRatio: z.coerce.number().min(0).max(1).default(0),
  /** An access token expires after this many API calls (0 = never); jsforce then refreshes. */
  sessionExpiryAfter: z.coerce.number().int().min(0).default(0),
  /** Share of Bulk ingest jobs that end Failed after processing half of their rows (0..1). */
  bulkFailRatio: z.coerce.number().min(0).max(1).default(0),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export const EmulatorUser = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  /** Appended to the password by callers outside trusted IP ranges; optional here. */
  securityToken: z.string().default(''),
  firstName: z.string().default('Local'),
  lastName: z.string().default('Admin'),
  email: z.string().default('admin@local.org'),
});
export type EmulatorUser = z.infer<typeof EmulatorUser>;

/**
 * A record type the org has (in an org they come from Setup or the Metadata API). Each object named here gets a
 * `RecordTypeId` field and its record types in describe's `recordTypeInfos`.
 */
export const EmulatorRecordType = z.object({
  sobjectType: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  /** Letters, digits and single underscores, starting with a letter and not ending with an underscore. */
  developerName: z.string().max(80).regex(/^[A-Za-z](?:_?[A-Za-z0-9])*$/),
  name: z.string().min(1).max(80).optional(),
  description: z.string().max(255).optional(),
  isActive: z.boolean().default(true),
  /** The running user's default record type of its object (one per object; else the first active one). */
  isDefault: z.boolean().default(false),
});
export type EmulatorRecordType = z.infer<typeof EmulatorRecordType>;

export const EmulatorOptions = z.object({
  users: z.array(EmulatorUser).min(1).default([{
    username: 'admin@local.org', password: 'password', securityToken: '', firstName: 'Local', lastName: 'Admin', email: 'admin@local.org',
  }]),
  clientId: z.string().default('dms-local'),
  clientSecret: z.string().default('dms-local-secret'),
  /** PEM certificate (or public key) that verifies RS256 JWT bearer assertions; JWT grants fail without it. */
  jwtCertificate: z.string().optional(),
  /** Issue a refresh_token from the password grant too (a real org does not), so refresh flows can be tried. */
  refreshTokenOnPasswordGrant: z.boolean().default(true),
  orgId: z.string().default('00D000000000001AAA'),
  organizationName: z.string().default('DMS Local Org'),
  dailyApiRequests: z.number().int().positive().default(100_000),
  /** An access token expires after this many minutes without a call (an org's default session timeout: 2 hours). */
  sessionTimeoutMinutes: z.number().positive().default(120),
  faults: FaultSettings.partial().default({}),
  /** Seed for the fault randomness, so ratios are reproducible. */
  seed: z.number().int().default(42),
  dataDir: z.string().optional(),
  /**
   * How often what changed is saved to dataDir (buffered record versions, the id sequence, sessions): records
   * written longer ago than this survive the process being killed.
   */
  saveIntervalMs: z.number().int().min(100).default(1_000),
  enableInspection: z.boolean().default(false),
  /** Folder of describe JSON files (a DescribeSObjectResult, or `sf sobject describe --json` output). */
  describeDir: z.string().optional(),
  /** Record types seeded at start (and after a reset) when the org has none of that object and developer name. */
  recordTypes: z.array(EmulatorRecordType).default([]),
  restQueryPageSize: z.number().int().min(1).max(2000).default(2000),
  /** A REST query cursor (nextRecordsUrl) not used for this long is closed, as an org closes one after 15 minutes. */
  queryCursorTimeoutMs: z.number().int().positive().default(15 * 60 * 1000),
  bulkQueryPageSize: z.number().int().min(1).default(50_000),
  /** Largest accepted Bulk upload body in bytes (Salesforce: 150 MB base64, about 100 MB raw). */
  maxUploadBytes: z.number().int().positive().default(150 * 1024 * 1024),
  /** A finished Bulk job (and its upload and result files) is deleted this long after its last change (an org: 7 days). */
  bulkJobRetentionMs: z.number().int().positive().default(7 * 24 * 60 * 60 * 1000),
  /** Rows processed per slice before yielding to the event loop. */
  bulkSliceRows: z.number().int().positive().default(5000),
});
export type EmulatorOptions = z.infer<typeof EmulatorOptions>;
export type EmulatorOptionsInput = z.input<typeof EmulatorOptions>;
