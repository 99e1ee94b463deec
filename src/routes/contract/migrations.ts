import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { Approval, MigrationRequest, MigrationSearch, MigrationState, RejectRequest, Stall } from '../../migrations/index.js';
import { RetryRequest } from '../migrations.js';
import { ConfirmFields } from '../../confirmations/index.js';
import { Failure, IdParams, Totals, csvFile, eventStream, resourceRoutes, xlsxFile } from './shapes.js';

export const MigrationView = z.looseObject({
  id: z.string(),
  name: z.string(),
  datasetId: z.string(),
  connectionId: z.string(),
  object: z.string(),
  operation: z.string(),
  externalIdField: z.string().optional(),
  state: MigrationState,
  totals: Totals,
  error: Failure.optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  approval: Approval.meta({ id: 'Approval' }).optional(),
}).meta({ id: 'Migration' });

/** The live view: the page, its polling and scripts read the same JSON. */
export const MigrationStatusView = z.looseObject({
  migration: MigrationView,
  totals: Totals,
  processed: z.number().int(),
  percent: z.number(),
  batches: z.array(z.looseObject({ batch: z.number().int(), state: z.string(), totals: Totals, queue: z.string() })),
  apiBudget: z.looseObject({ max: z.number(), remaining: z.number() }).optional(),
  stalled: Stall.optional().describe('Set while a running migration has made no progress for MIGRATION_STALLED_AFTER_MS, with what it waits for'),
  errors: z.array(z.looseObject({ code: z.string(), fields: z.string(), count: z.number().int() })).optional(),
}).meta({ id: 'MigrationStatus' });

const tag = 'migrations';
const migrations = resourceRoutes('/api/v1/migrations', tag, MigrationStatusView);

export const migrationOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/migrations/{id}/impact/{action}', tag, scope: 'read',
    summary: 'What an action would do, in numbers, and whether it must be confirmed (the object typed back on production)',
    params: IdParams.extend({ action: z.string() }),
    responses: {
      200: z.object({ action: z.string(), confirm: z.boolean(), message: z.string().nullable(), typeBack: z.string().nullable() }),
    },
  },
  ...(['success', 'errors'] as const).map((kind) => ({
    method: 'get' as const, path: `/api/v1/migrations/{id}/results/${kind}.xlsx`, tag, scope: 'read' as const,
    summary: `The ${kind} file as an .xlsx workbook (?layout=dataloader for Data Loader's columns)`,
    params: IdParams,
    responses: { 200: xlsxFile(`${kind} rows`) },
  })),
  {
    method: 'get', path: '/api/v1/migrations', tag, scope: 'read',
    summary: 'Search migrations, newest first',
    query: MigrationSearch,
    responses: { 200: z.looseObject({ migrations: z.array(MigrationView), page: z.number().int(), size: z.number().int(), hasNext: z.boolean() }) },
  },
  {
    method: 'post', path: '/api/v1/migrations', tag, scope: 'operate',
    summary: 'Create a migration (state created)',
    body: MigrationRequest,
    responses: { 201: MigrationStatusView },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}', tag, scope: 'read',
    summary: 'Live status: totals, batches, error groups',
    params: IdParams,
    query: z.object({ errors: z.enum(['true', 'false']).optional().meta({ description: 'true adds the error groups' }) }),
    responses: { 200: MigrationStatusView },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/batches', tag, scope: 'read',
    summary: 'Every planned batch',
    params: IdParams,
    responses: { 200: z.object({ batches: z.array(z.looseObject({ batch: z.number().int(), state: z.string(), totals: Totals })) }) },
  },
  migrations.control('start', 'Start a created migration', ConfirmFields),
  migrations.control('pause', 'Pause: running batches finish, no new ones start', ConfirmFields),
  migrations.control('resume', 'Resume a paused migration', ConfirmFields),
  migrations.control('cancel', 'Cancel: nothing more is written', ConfirmFields),
  migrations.control(
    'rollback', 'Roll back: delete inserted records, restore updated fields (on a production org: awaits approval)', ConfirmFields,
  ),
  migrations.control(
    'approve',
    'Approve a run (or roll back) awaiting approval: needs the approver right, never the creator or requester (403 APPROVAL_SELF)',
  ),
  migrations.control(
    'reject', 'Reject a run awaiting approval, with a reason: a start ends `rejected`, a roll back leaves the run as it was', RejectRequest,
  ),
  {
    method: 'post', path: '/api/v1/migrations/{id}/retry-failed', tag, scope: 'operate',
    summary: 'A child migration of the failed rows (optionally edited)',
    params: IdParams, body: RetryRequest, responses: { 201: MigrationStatusView },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/results/success.csv', tag, scope: 'read',
    summary: 'Rows written, with their Salesforce ids',
    params: IdParams,
    responses: { 200: csvFile('Data Loader-style success file') },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/results/errors.csv', tag, scope: 'read',
    summary: 'Rows failed, with the error',
    params: IdParams,
    responses: { 200: csvFile('Data Loader-style error file') },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/events', tag, scope: 'read',
    summary: 'Progress events',
    params: IdParams,
    responses: { 200: eventStream('the status, then every progress event') },
  },
]);
