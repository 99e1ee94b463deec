import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { withRetry } from '../store/index.js';
import { badRequest } from '../errors.js';
import {
  cancelMigration, createMigration, listMigrations, migrationStatus, pauseMigration, resumeMigration, retryFailedRows, rollbackRequest, startMigration,
} from '../migrations/index.js';
import { actorOf } from './migrations.js';

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

/** /migrations pages: list, new-migration form, the live page with its controls (forms with _csrf). */
export function migrationPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.render('pages/migrations/list', { title: res.locals.t('migrations.title'), migrations: await listMigrations(services) });
  });
  router.get('/new', async (_req, res) => {
    const page = await withRetry(() => services.store.db('datasets').find({ selector: { kind: { $eq: 'dataset' }, createdAt: { $gt: '' } }, use_index: 'by-kind-created', limit: 500 }));
    const datasets = (page.docs as unknown as { _id: string; name: string; status: string; rowCount: number }[]).filter((d) => d.status === 'ready');
    res.render('pages/migrations/new', { title: res.locals.t('migrations.new'), datasets, localOrg: Boolean(services.config.emulator.localOrgUrl) });
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
  router.get('/:id', async (req, res) => {
    const status = await migrationStatus(services, req.params.id, { errors: true });
    res.render('pages/migrations/show', { title: status.migration.name, status });
  });
  const actions: Record<string, (id: string, actor: string) => Promise<{ _id: string }>> = {
    start: (id, a) => startMigration(services, id, a),
    pause: (id, a) => pauseMigration(services, id, a),
    resume: (id, a) => resumeMigration(services, id, a),
    cancel: (id, a) => cancelMigration(services, id, a),
    rollback: (id, a) => rollbackRequest(services, id, a),
    'retry-failed': (id, a) => retryFailedRows(services, id, a, []),
  };
  router.post('/:id/:action', async (req, res) => {
    const action = actions[req.params.action];
    if (!action) throw badRequest(`Unknown action ${req.params.action}`);
    const doc = await action(req.params.id, actorOf(res));
    res.redirect(303, `/migrations/${doc._id}`);
  });
  return router;
}
