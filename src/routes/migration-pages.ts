import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { sendCacheable } from '../web/response-cache.js';
import { withRetry } from '../store/index.js';
import { badRequest } from '../errors.js';
import { currentUser, hasRole } from '../auth/index.js';
import { connectionSummary, isProductionConnection, listConnections } from '../connections/index.js';
import { migrationImpact } from '../confirmations/index.js';
import { getValidation } from '../preflight/index.js';
import {
  FINISHED_STATES, MigrationSearch, cancelMigration, createMigration, failedRowsSample, forgetStatus, pauseMigration, resumeMigration, retryFailedRows,
  rollbackRequest, searchMigrations, startMigration, statusBody, type MigrationState,
} from '../migrations/index.js';
import { actorOf, assertControlConfirmed, assertMayRollBack } from './migrations.js';

const NewMigrationForm = z.object({
  datasetId: z.string().min(1), connectionId: z.string().min(1).default('local'), object: z.string().min(1),
  operation: z.string(), externalIdField: z.string().optional(), mapping: z.string().optional(), pipeline: z.string().optional(),
  templateId: z.string().optional(), batchSize: z.string().optional(), apiMode: z.string().default('auto'),
  collectionsThreshold: z.string().optional(), concurrency: z.string().optional(), allOrNone: z.string().optional(), serial: z.string().optional(),
  assignmentRuleId: z.string().optional(),
});

const json = (text: string | undefined, what: string): unknown => {
  try { return text ? JSON.parse(text) : undefined; } catch { throw badRequest(`${what} is not valid JSON.`); }
};
const num = (text: string | undefined) => (text ? Number(text) : undefined);
const blank = (text: string | undefined) => (text && text.trim() ? text.trim() : undefined);

/** The run controls, and in which states each one applies (the live page shows only the current ones). */
export const CONTROL_STATES: Record<string, MigrationState[]> = {
  start: ['created'],
  pause: ['queued', 'running'],
  resume: ['paused'],
  cancel: ['created', 'queued', 'running', 'paused'],
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

/** /migrations pages: list, new-migration form, the live page with its controls (forms with _csrf). */
export function migrationPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filters = MigrationSearch.parse(req.query);
    const [page, connections] = await Promise.all([searchMigrations(services, filters), listConnections(services)]);
    res.render('pages/migrations/list', { title: res.locals.t('migrations.title'), page, filters, connections, query: req.query });
  });
  router.get('/new', async (req, res) => {
    const validationId = typeof req.query.validationId === 'string' ? req.query.validationId : undefined;
    const [page, connections, validation] = await Promise.all([
      withRetry(() => services.store.db('datasets').find({ selector: { kind: { $eq: 'dataset' }, createdAt: { $gt: '' } }, use_index: 'by-kind-created', limit: 500 })),
      listConnections(services),
      validationId ? getValidation(services.store, validationId) : undefined,
    ]);
    const datasets = (page.docs as unknown as { _id: string; name: string; status: string; rowCount: number }[]).filter((d) => d.status === 'ready');
    const prefill = validation
      ? { datasetId: validation.datasetId, connectionId: validation.connectionId, object: validation.object, operation: validation.operation,
          externalIdField: validation.externalIdField ?? '', mapping: JSON.stringify(validation.mapping, null, 1), pipeline: JSON.stringify(validation.pipeline, null, 1) }
      : { datasetId: typeof req.query.datasetId === 'string' ? req.query.datasetId : '', connectionId: 'local', object: '', operation: 'insert', externalIdField: '', mapping: '', pipeline: '' };
    res.render('pages/migrations/new', { title: res.locals.t('migrations.new'), datasets, connections, prefill });
  });
  router.post('/', async (req, res) => {
    const form = NewMigrationForm.parse(req.body);
    const mapping = json(blank(form.mapping), 'Mapping');
    const doc = await createMigration(services, {
      datasetId: form.datasetId, connectionId: form.connectionId, object: form.object, operation: form.operation,
      externalIdField: blank(form.externalIdField),
      ...(blank(form.templateId) ? { templateId: blank(form.templateId) } : { template: { mapping, pipeline: json(blank(form.pipeline), 'Pipeline') ?? [] } }),
      options: {
        batchSize: num(blank(form.batchSize)), apiMode: form.apiMode, collectionsThreshold: num(blank(form.collectionsThreshold)) ?? 2000,
        concurrency: num(blank(form.concurrency)) ?? 4, allOrNone: form.allOrNone === 'on', serial: form.serial === 'on',
        assignmentRuleId: blank(form.assignmentRuleId),
      },
    }, actorOf(res));
    res.redirect(303, `/migrations/${doc._id}`);
  });
  router.get('/:id', async (req, res, next) => {
    const status = (await statusBody(services, req.params.id, { errors: true })).value();
    const controls = await allowedControls(services, res, status.migration.connectionId);
    const org = await connectionSummary(services, status.migration.connectionId);
    // Which forms ask first; the dialog reads the sentence with the figures of the moment from /impact/:action.
    const asks = controls.filter((c) => migrationImpact(status.migration, c, org) !== undefined);
    const finished = FINISHED_STATES.has(status.migration.state);
    const fix = finished && status.totals.failed > 0 && controls.includes('retry-failed') ? await failedRowsSample(services, req.params.id) : undefined;
    res.render('pages/migrations/show', { title: status.migration.name, status, controls, controlStates: CONTROL_STATES, fix, asks, org }, (error, html) => {
      if (error) return next(error);
      sendCacheable(res, html, 'session');
    });
  });
  const actions: Record<string, (id: string, res: Response, body: Record<string, unknown>) => Promise<{ _id: string }>> = {
    start: (id, res) => startMigration(services, id, actorOf(res)),
    pause: (id, res) => pauseMigration(services, id, actorOf(res)),
    resume: (id, res) => resumeMigration(services, id, actorOf(res)),
    cancel: (id, res) => cancelMigration(services, id, actorOf(res)),
    rollback: (id, res) => rollbackRequest(services, id, actorOf(res)),
    'retry-failed': async (id, res, body) => {
      const child = await retryFailedRows(services, id, actorOf(res), editsOf(body));
      return body.start === 'on' ? startMigration(services, child._id, actorOf(res)) : child;
    },
  };
  router.post('/:id/:action', async (req, res) => {
    const action = actions[req.params.action];
    if (!action) throw badRequest(`Unknown action ${req.params.action}`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.params.action === 'rollback') await assertMayRollBack(services, res, req.params.id);
    await assertControlConfirmed(services, req.params.id, req.params.action, body);
    const doc = await action(req.params.id, res, body);
    forgetStatus(services, req.params.id);
    res.redirect(303, `/migrations/${doc._id}`);
  });
  return router;
}
