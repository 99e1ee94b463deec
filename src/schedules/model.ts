import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';
import { ExportRequest } from '../exports/index.js';
import { MigrationOptions } from '../migrations/index.js';
import { Operation } from '../salesforce/index.js';

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const validCron = (pattern: string, tz: string) => {
  try {
    CronExpressionParser.parse(pattern, { tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * What a schedule starts, by kind: a migration, an export or a transfer. A
 * recurring migration reads a fixed dataset, or the newest ready dataset of a name (a nightly upload from CI).
 */
export const ScheduledMigration = z.object({
  kind: z.literal('migration'),
  datasetId: z.string().min(1).optional(),
  datasetName: z.string().min(1).max(200).optional(),
  connectionId: z.string().min(1).default('local'),
  object: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  operation: Operation,
  externalIdField: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional(),
  templateName: z.string().min(1).max(100),
  options: MigrationOptions.partial().optional(),
}).refine((m) => (m.datasetId === undefined) !== (m.datasetName === undefined), {
  message: 'give exactly one of datasetId or datasetName',
  path: ['datasetId'],
});
export type ScheduledMigration = z.infer<typeof ScheduledMigration>;

/** A recurring export: the body of POST /api/v1/exports; each run makes a new dataset named with its time. */
export const ScheduledExport = ExportRequest.safeExtend({ kind: z.literal('export') });
export type ScheduledExport = z.infer<typeof ScheduledExport>;

/**
 * A recurring transfer: each run is a new one-shot transfer copied from a saved transfer (its definition: source,
 * pipeline, target, batch size, bound and sealed endpoints), named with its cron time; it ends when the source is empty.
 */
export const ScheduledTransfer = z.object({
  kind: z.literal('transfer'),
  transferId: z.string().trim().min(1).max(100),
  /** The runs' name before their time; the schedule's name without it. */
  name: z.string().trim().min(1).max(180).optional(),
});
export type ScheduledTransfer = z.infer<typeof ScheduledTransfer>;

export const ScheduledJob = z.discriminatedUnion('kind', [ScheduledMigration, ScheduledExport, ScheduledTransfer]);
export type ScheduledJob = z.infer<typeof ScheduledJob>;

export const ScheduleRequest = z.object({
  name: z.string().trim().min(1).max(100),
  cron: z.string().trim().min(1).max(100).meta({ description: 'Five fields (minute hour day month weekday), or six with seconds first' }),
  timezone: z.string().default('UTC').refine(validZone, 'an IANA time zone, e.g. Europe/Berlin'),
  job: ScheduledJob,
  paused: z.boolean().default(false),
}).refine((s) => validCron(s.cron, s.timezone), { message: 'not a cron expression DMS can read', path: ['cron'] });
export type ScheduleRequest = z.infer<typeof ScheduleRequest>;

/** A schedule's last run: what it started (a migration, an export's dataset, a transfer), or why it could not start. */
export const LastRun = z.object({
  at: z.string(),
  migrationId: z.string().optional(),
  datasetId: z.string().optional(),
  transferId: z.string().optional(),
  error: z.string().optional(),
});
export type LastRun = z.infer<typeof LastRun>;

export const ScheduleDoc = z.object({
  _id: z.string().startsWith('schedule:'),
  _rev: z.string().optional(),
  kind: z.literal('schedule'),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  job: ScheduledJob,
  paused: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRun: LastRun.optional(),
});
export type ScheduleDoc = z.infer<typeof ScheduleDoc>;

export const scheduleIdOf = (doc: Pick<ScheduleDoc, '_id'>) => doc._id.slice('schedule:'.length);
