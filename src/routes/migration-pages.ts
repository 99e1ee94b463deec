import { Router, type Response } from 'express';
import type { Services } from '../services.js';
import { sendCacheable } from '../web/response-cache.js';
import { badRequest } from '../errors.js';
import { cutText } from '../cut-text.js';
import { currentUser, findUser, hasRole } from '../auth/index.js';
import { listValidations } from '../preflight/index.js';
import { connectionSummary, isProductionConnection, listConnections } from '../connections/index.js';
import { migrationImpact } from '../confirmations/index.js';
import {
  FINISHED_STATES, MIGRATION_STATES, MigrationSearch, RejectRequest, approveMigration, cancelMigration, getMigration, rejectMigration, failedRowsSample, pauseMigration, resumeMigration, retryFailedRows,
  rollbackRequest, searchMigrations, startMigration, statusBody, type MigrationState, type MigrationStatus,
} from '../migrations/index.js';
import { actorOf, approvalAudit, assertControlConfirmed, assertMayRollBack, retryNames } from './migrations.js';

/** The run controls, and in which states each one applies (the live page shows only the current ones). */
export const CONTROL_STATES: Record<string, MigrationState[]> = {
  start: ['created'],
  pause: ['queued', 'running'],
  resume: ['paused'],
  cancel: ['created', 'awaiting_approval', 'queued', 'running', 'paused'],
  'retry-failed': ['completed', 'cancelled', 'failed'],
  rollback: ['completed', 'cancelled', 'failed'],
};

/** Which controls the signed-in user may use: viewer none (downloads only), operator run controls, admin also production roll backs. */
async function allowedControls(services: Services, res: Response, connectionId: string): Promise<string[]> {
  const user = currentUser(res);
  if (!user || !hasRole(user.role, 'operator')) return [];
  const all = Object.keys(CONTROL_STATES);
  if (hasRole(user.role, 'admin')) return all;
  return (await isProductionConnection(services, connectionId)) ? all.filter((c) => c !== 'rollback') : all;
}

/**
 * What the approval panel shows: whether this user may decide (the approver right, and neither creator nor requester),
 * and the newest finished dry run of the same dataset, object and operation (its summary and link).
 */
async function approvalReview(services: Services, res: Response, migration: MigrationStatus['migration']) {
  const user = currentUser(res);
  const account = user ? await findUser(services, user.username) : undefined;
  const self = user?.username === migration.createdBy || user?.username === migration.approval?.requestedBy;
  const canDecide = Boolean(account?.approver) && hasRole(account?.role ?? 'viewer', 'operator') && !self;
  const dryRuns = canDecide ? await listValidations(services.store, migration.datasetId) : [];
  const dryRun = dryRuns.find((v) => v.status === 'done' && v.object === migration.object && v.operation === migration.operation);
  const template = canDecide ? (await getMigration(services, migration.id)).template : undefined;
  return { canDecide, self, dryRun, template };
}

/**
 * A failed row's value longer than this is shown cut, not as an input: the form sends every input back as the row's
 * value, so a cut one would replace the text (20 rows of 30,000-character cells also made an 830 KB page).
 */
const FIX_CELL_CHARS = 1000;
const FIX_SHOWN_CHARS = 200;

/** The failed rows for the form, each with its values too long to edit there, cut (kept as they are on retry). */
function fixForm(sample: Awaited<ReturnType<typeof failedRowsSample>>) {
  const rows = sample.rows.map((row) => {
    const long = Object.entries(row.values).filter(([, v]) => typeof v === 'string' && v.length > FIX_CELL_CHARS);
    return { ...row, long: Object.fromEntries(long.map(([c, v]) => [c, cutText(String(v), FIX_SHOWN_CHARS)])) as Record<string, string> };
  });
  return { ...sample, rows };
}

/** The "fix and retry" form names its inputs `cell:<row>:<column>`. */
function editsOf(body: Record<string, unknown>): { row: number; values: Record<string, string> }[] {
  const byRow = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(body)) {
    const match = /^cell:(\d+):(.+)$/.exec(name);
    if (!match || typeof value !== 'string') continue;
    const row = Number(match[1]);
    byRow.set(row, { ...byRow.get(row), [match[2] as string]: value });
  }
  return [...byRow].map(([row, values]) => ({ row, values }));
}

/** /migrations pages: list, the live page with its controls (forms with _csrf); new ones go through the guided flow. */
export function migrationPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filters = MigrationSearch.parse(req.query);
    const [page, connections] = await Promise.all([searchMigrations(services, filters), listConnections(services)]);
    const view = { title: res.locals.t('migrations.title'), page, filters, connections, query: req.query, migrationStates: MIGRATION_STATES };
    res.render('pages/migrations/list', view);
  });
  router.get('/:id', async (req, res, next) => {
    const cachedStatus = await statusBody(services, req.params.id, { errors: true });
    const status = cachedStatus.value();
    const controls = await allowedControls(services, res, status.migration.connectionId);
    const org = await connectionSummary(services, status.migration.connectionId);
    // Which forms ask first; the dialog reads the sentence with the figures of the moment from /impact/:action.
    const asks = controls.filter((c) => migrationImpact(status.migration, c, org) !== undefined);
    const finished = FINISHED_STATES.has(status.migration.state);
    const fix = finished && status.totals.failed > 0 && controls.includes('retry-failed') ? fixForm(await failedRowsSample(services, req.params.id)) : undefined;
    const review = status.migration.state === 'awaiting_approval' ? await approvalReview(services, res, status.migration) : undefined;
    const view = { title: status.migration.name, status, controls, controlStates: CONTROL_STATES, fix, asks, org, review, migrationStates: MIGRATION_STATES };
    res.render('pages/migrations/show', view, (error, html) => {
      if (error) return next(error);
      sendCacheable(res, html, 'session', cachedStatus.version);
    });
  });
  const actions: Record<string, (id: string, res: Response, body: Record<string, unknown>) => Promise<{ _id: string }>> = {
    start: (id, res) => startMigration(services, id, actorOf(res)),
    pause: (id, res) => pauseMigration(services, id, actorOf(res)),
    resume: (id, res) => resumeMigration(services, id, actorOf(res)),
    cancel: (id, res) => cancelMigration(services, id, actorOf(res)),
    rollback: (id, res) => rollbackRequest(services, id, actorOf(res)),
    approve: async (id, res) => {
      const doc = await approveMigration(services, id, actorOf(res));
      res.locals.audit = approvalAudit(doc);
      return doc;
    },
    reject: async (id, res, body) => {
      const doc = await rejectMigration(services, id, actorOf(res), RejectRequest.parse(body).reason);
      res.locals.audit = approvalAudit(doc);
      return doc;
    },
    'retry-failed': async (id, res, body) => {
      const child = await retryFailedRows(services, id, actorOf(res), editsOf(body), retryNames(res));
      return body.start === 'on' ? startMigration(services, child._id, actorOf(res)) : child;
    },
  };
  router.post('/:id/:action', async (req, res) => {
    const action = actions[req.params.action];
    if (!action) throw badRequest(`Unknown action ${req.params.action}`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.params.action === 'rollback') await assertMayRollBack(services, res, req.params.id);
    await assertControlConfirmed(services, res, req.params.id, req.params.action, body);
    const doc = await action(req.params.id, res, body);
    res.redirect(303, `/migrations/${doc._id}`);
  });
  return router;
}
