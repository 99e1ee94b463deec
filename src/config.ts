import { z } from 'zod';
import { resolve } from 'node:path';
import { parseVcap, secretsFromVcap, type CouchSettings, type RedisSettings } from './config-vcap.js';
import { QUEUE_NAMES, type QueueName } from './queue/catalogue.js';

export type { CouchSettings, RedisSettings } from './config-vcap.js';

/**
 * The only place that reads process.env. One zod schema over the environment and Cloud Foundry's
 * VCAP_SERVICES; every problem is listed by variable name.
 */

/**
 * A batch job's lock: BullMQ hands a dead worker's job back one lock (and a stalled check) after the kill, and a batch
 * renews its lock every quarter of it while its event loop is free (no step blocks it for long: loop-watch.ts warns
 * when one does). Unless set, a third of the general lock, at least 2 s and at most the general lock.
 */
const batchLockOf = (lockMs: number, batchLockMs: number): number =>
  batchLockMs > 0 ? batchLockMs : Math.min(lockMs, Math.max(2000, Math.round(lockMs / 3)));

const intFrom = (name: string, fallback: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer >= ${min}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A positive number, fractions allowed (hours: a test gives an approval a few seconds). */
const positiveFrom = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a number > 0, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const urlFrom = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      try {
        const url = new URL(v);
        if (!protocols.includes(url.protocol)) throw new Error('protocol');
        return url.toString();
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be a ${protocols.join(' or ')} URL, got "${redact(v)}"` });
        return z.NEVER;
      }
    });

const boolFrom = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${v}"` });
      return z.NEVER;
    });

/** A comma-separated subset of the job queues; unset or empty means every queue. */
const queuesFrom = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const names = (v ?? '').split(',').map((n) => n.trim()).filter(Boolean);
      if (names.length === 0) return [...QUEUE_NAMES];
      const unknown = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${name} names unknown queue(s) ${unknown.map((n) => `"${n}"`).join(', ')}; the queues are ${QUEUE_NAMES.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(names)] as QueueName[];
    });

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom('PORT', 3000),
  HOST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  REDIS_URL: urlFrom('REDIS_URL', ['redis:', 'rediss:']),
  REDIS_TLS_CA_BASE64: z.string().optional(),
  COUCHDB_URL: urlFrom('COUCHDB_URL', ['http:', 'https:']),
  COUCHDB_APIKEY: z.string().optional(),
  COUCHDB_DB_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_$()+/-]*$/, 'COUCHDB_DB_PREFIX must start with a lowercase letter and use a-z 0-9 _$()+/-')
    .default('dms_'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_{}:-]+$/, 'QUEUE_PREFIX may use letters, digits and _{}:-').default('dms'),
  WORKER_CONCURRENCY: intFrom('WORKER_CONCURRENCY', 4, 1),
  /**
   * Migration batches a worker process runs at once (the migration-batches queue): more than its other jobs, since a
   * batch mostly waits for Salesforce; the row text they hold together is bounded apart (BatchMemory).
   */
  WORKER_BATCH_CONCURRENCY: intFrom('WORKER_BATCH_CONCURRENCY', 8, 1),
  /** `dms start`: processes of the Procfile's `worker` type (on Cloud Foundry: the app's instances). */
  WORKER_PROCESSES: intFrom('WORKER_PROCESSES', 1, 1),
  WORKER_LOCK_MS: intFrom('WORKER_LOCK_MS', 30_000, 1000),
  /** 0: a third of WORKER_LOCK_MS, at least 2 s (see batchLockOf). */
  WORKER_BATCH_LOCK_MS: intFrom('WORKER_BATCH_LOCK_MS', 0, 0),
  WORKER_QUEUES: queuesFrom('WORKER_QUEUES'),
  SHUTDOWN_TIMEOUT_MS: intFrom('SHUTDOWN_TIMEOUT_MS', 8000, 100),
  MIGRATION_WATCHDOG_MS: intFrom('MIGRATION_WATCHDOG_MS', 30_000, 500),
  MIGRATION_BATCH_REVIVALS: intFrom('MIGRATION_BATCH_REVIVALS', 20, 0),
  MIGRATION_STALLED_AFTER_MS: intFrom('MIGRATION_STALLED_AFTER_MS', 5 * 60_000, 1000),
  UPLOAD_MAX_BYTES: intFrom('UPLOAD_MAX_BYTES', 1024 * 1024 * 1024, 1),
  SALESFORCE_EMULATOR: boolFrom('SALESFORCE_EMULATOR', true),
  EMULATOR_PORT: intFrom('EMULATOR_PORT', 0),
  /** A JSON file of the embedded Local org's record types (`dms emulator --record-types`). */
  EMULATOR_RECORD_TYPES: z.string().min(1).optional(),
  LOCAL_ORG_URL: urlFrom('LOCAL_ORG_URL', ['http:', 'https:']),
  SECRET_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, 'SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  DMS_ADMIN_USER: z.string().optional(),
  DMS_ADMIN_PASSWORD: z.string().min(8, 'DMS_ADMIN_PASSWORD must be at least 8 characters').optional(),
  API_BASIC_AUTH: z.string().optional(),
  APPROVAL_TTL_HOURS: positiveFrom('APPROVAL_TTL_HOURS', 24),
  VCAP_SERVICES: z.string().optional(),
  PATH: z.string().default(''),
  VCAP_APPLICATION: z.string().optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  onCloudFoundry: boolean;
  http: { host: string; port: number };
  logLevel: string;
  dataDir: string;
  redis?: RedisSettings;
  couch?: CouchSettings & { dbPrefix: string };
  couchDbPrefix: string;
  /** `queues`: the ones this process's workers drain (WORKER_QUEUES; all by default). */
  /**
   * `batchLockMs`: the lock of the migration-batches queue, shorter so a dead worker's batches are taken back sooner;
   * `batchConcurrency`: that queue's jobs at once (`concurrency` is every other queue's).
   */
  queue: { prefix: string; concurrency: number; batchConcurrency: number; lockMs: number; batchLockMs: number; queues: QueueName[] };
  shutdownTimeoutMs: number;
  /** `dms start` runs this many processes of the Procfile's `worker` type (migrations are spread over them). */
  workerProcesses: number;
  /**
   * `watchdogMs`: how often a worker looks for running migrations whose batch jobs BullMQ lost; `batchRevivals`: how
   * many times one batch is re-enqueued before its rows are failed; `stalledAfterMs`: no progress this long shows a run stalled.
   */
  migrations: { watchdogMs: number; batchRevivals: number; stalledAfterMs: number };
  uploadMaxBytes: number;
  /** `enabled`: `npm start` embeds the emulator; `localOrgUrl`: where the Local org answers (set by start, or LOCAL_ORG_URL). */
  emulator: { enabled: boolean; port: number; localOrgUrl?: string; recordTypesFile?: string };
  secretKey?: Buffer;
  sessionSecret?: string;
  initialAdmin?: { user: string; password: string };
  /** HTTP Basic with a password on /api/v1 (API_BASIC_AUTH; off by default in production: scripts use API tokens). */
  apiBasicAuth: boolean;
  /** How long an approval of a run against a production org stays good (APPROVAL_TTL_HOURS, default 24). */
  approvalTtlHours: number;
  /** Where to look for a redis-server binary when Redis is embedded. */
  searchPath: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into a Config, or throws ConfigError with every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse({ ...secretsFromVcap(env.VCAP_SERVICES), ...env });
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      problems.push(issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const vcap = parseVcap(e.VCAP_SERVICES, problems);
  const onCloudFoundry = e.VCAP_APPLICATION !== undefined;
  if (e.COUCHDB_APIKEY && !e.COUCHDB_URL) problems.push('COUCHDB_APIKEY is set but COUCHDB_URL is not: the IAM key needs the Cloudant URL');
  if ((e.DMS_ADMIN_USER === undefined) !== (e.DMS_ADMIN_PASSWORD === undefined)) {
    problems.push('DMS_ADMIN_USER and DMS_ADMIN_PASSWORD must be set together');
  }
  if (e.NODE_ENV === 'production' && !e.SECRET_KEY) {
    problems.push('SECRET_KEY is required in production (32 random bytes, base64): it encrypts Salesforce credentials at rest');
  }
  const basicAuth = boolFrom('API_BASIC_AUTH', e.NODE_ENV !== 'production').safeParse(e.API_BASIC_AUTH);
  if (!basicAuth.success) problems.push(...basicAuth.error.issues.map((i) => i.message));
  if (problems.length > 0) throw new ConfigError(problems);

  const redis: RedisSettings | undefined = e.REDIS_URL
    ? { url: e.REDIS_URL, tlsCa: e.REDIS_TLS_CA_BASE64 ? Buffer.from(e.REDIS_TLS_CA_BASE64, 'base64') : undefined, source: 'REDIS_URL' }
    : vcap.redis;
  const couch: CouchSettings | undefined = e.COUCHDB_URL
    ? { url: e.COUCHDB_URL, iamApiKey: e.COUCHDB_APIKEY, source: 'COUCHDB_URL' }
    : vcap.couch;

  return {
    env: e.NODE_ENV,
    onCloudFoundry,
    http: { host: e.HOST ?? (onCloudFoundry ? '0.0.0.0' : '127.0.0.1'), port: e.PORT },
    logLevel: e.LOG_LEVEL,
    dataDir: resolve(e.DATA_DIR),
    redis,
    couch: couch ? { ...couch, dbPrefix: e.COUCHDB_DB_PREFIX } : undefined,
    couchDbPrefix: e.COUCHDB_DB_PREFIX,
    queue: {
      prefix: e.QUEUE_PREFIX, concurrency: e.WORKER_CONCURRENCY, batchConcurrency: e.WORKER_BATCH_CONCURRENCY, lockMs: e.WORKER_LOCK_MS, batchLockMs: batchLockOf(e.WORKER_LOCK_MS, e.WORKER_BATCH_LOCK_MS),
      queues: e.WORKER_QUEUES,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    workerProcesses: e.WORKER_PROCESSES,
    migrations: { watchdogMs: e.MIGRATION_WATCHDOG_MS, batchRevivals: e.MIGRATION_BATCH_REVIVALS, stalledAfterMs: e.MIGRATION_STALLED_AFTER_MS },
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    emulator: {
      enabled: e.SALESFORCE_EMULATOR, port: e.EMULATOR_PORT, localOrgUrl: e.LOCAL_ORG_URL,
      recordTypesFile: e.EMULATOR_RECORD_TYPES,
    },
    secretKey: e.SECRET_KEY ? Buffer.from(e.SECRET_KEY, 'base64') : undefined,
    sessionSecret: e.SESSION_SECRET,
    initialAdmin: e.DMS_ADMIN_USER && e.DMS_ADMIN_PASSWORD ? { user: e.DMS_ADMIN_USER, password: e.DMS_ADMIN_PASSWORD } : undefined,
    apiBasicAuth: basicAuth.data ?? false,
    approvalTtlHours: e.APPROVAL_TTL_HOURS,
    searchPath: e.PATH,
  };
}

/** Loads the config or prints every problem and exits non-zero (process entry points only). */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

/** The settings a process needs to talk to Redis and CouchDB, or a ConfigError naming what is missing. */
export function requireBackingServices(config: Config): { redis: RedisSettings; couch: CouchSettings & { dbPrefix: string } } {
  const problems: string[] = [];
  if (!config.redis) problems.push('REDIS_URL is not set and VCAP_SERVICES has no Redis binding (or run `npm start`, which embeds one)');
  if (!config.couch) problems.push('COUCHDB_URL is not set and VCAP_SERVICES has no Cloudant binding (or run `npm start`, which embeds one)');
  if (problems.length > 0 || !config.redis || !config.couch) throw new ConfigError(problems);
  return { redis: config.redis, couch: config.couch };
}

const ClientEnvSchema = z.object({
  DMS_URL: urlFrom('DMS_URL', ['http:', 'https:']),
  DMS_TOKEN: z.string().optional(),
  XDG_CONFIG_HOME: z.string().optional(),
  HOME: z.string().optional(),
  LC_ALL: z.string().optional(),
  LC_MESSAGES: z.string().optional(),
  LANG: z.string().optional(),
});

/** What the `dms` client commands read: a server and token that override the saved login (CI), and where configs live. */
export interface ClientEnvironment { url?: string; token?: string; configDir: string; locale: 'en' | 'zh-CN' }

export function loadClientEnvironment(env: Record<string, string | undefined> = process.env): ClientEnvironment {
  const parsed = ClientEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message));
  const e = parsed.data;
  const base = e.XDG_CONFIG_HOME || resolve(e.HOME ?? '.', '.config');
  const language = e.LC_ALL || e.LC_MESSAGES || e.LANG || '';
  const locale = /^zh/i.test(language) ? 'zh-CN' : 'en';
  return { url: e.DMS_URL, token: e.DMS_TOKEN || undefined, configDir: resolve(base, 'dms'), locale };
}

/** The environment for a child process of DMS (`npm start`'s web, worker, parser, Local org): this one's, `changes` over it. */
export function childEnvironment(changes: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...changes };
}
