import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { sendCacheable } from '../web/response-cache.js';
import { sendPiece } from '../web/send-piece.js';
import { assertRole } from '../auth/index.js';
import { connectionSummary, isProductionConnection } from '../connections/index.js';
import { assertConfirmed, migrationImpact, type Impact } from '../confirmations/index.js';
import {
  approveMigration, cancelMigration, createMigration, rejectMigration, RejectRequest, getMigration, listBatches, migrationStatus, pauseMigration, resumeMigration, retryFailedRows,
  rollbackRequest, searchMigrations, startMigration, statusBody, subscribeMigration, writeResultsCsv, writeResultsXlsx,
  ResultLayout, type MigrationDoc, type ResultKind, type RetryNames,
} from '../migrations/index.js';

export const actorOf = (res: Response): string => (res.locals.user as { username?: string } | undefined)?.username ?? 'anonymous';

export const RetryRequest = z.object({ edits: z.array(z.unknown()).default([]), start: z.boolean().default(false) }).default({ edits: [], start: false });
const HEARTBEAT_MS = 15_000;

/** Rolling back writes to the org again: on a production org only an admin may do it. */
export async function assertMayRollBack(services: Services, res: Response, id: string): Promise<void> {
  const doc = await getMigration(services, id);
  if (await isProductionConnection(services, doc.connectionId)) assertRole(res, 'admin');
}

/**
 * The confirmation a control asks (400 CONFIRMATION_REQUIRED / _MISMATCH when the body lacks it): roll back
 * and cancel always, start and retry on a production org, whose object name is also typed back.
 */
export async function assertControlConfirmed(services: Services, res: Response, id: string, action: string, body: unknown): Promise<void> {
  const doc = await getMigration(services, id);
  const impact = migrationImpact(doc, action, await connectionSummary(services, doc.connectionId));
  // The audit log says what the person was told would happen.
  res.locals.audit = { details: { object: doc.object, ...impact?.params } };
  if (impact) assertConfirmed(body, impact);
}

/** A retry's dataset and run named in the reader's language. */
export function retryNames(res: Response): RetryNames {
  const t = res.locals.t as (key: string, params: Record<string, string>) => string;
  return {
    dataset: (dataset, run) => t('migrations.retry.datasetName', { dataset, run }).slice(0, 200),
    run: (run) => t('migrations.retry.runName', { run }).slice(0, 200),
  };
}

/** What the audit log keeps of an approval or a rejection. */
export const approvalAudit = (doc: MigrationDoc) => ({
  details: {
    action: doc.approval?.action ?? null, requestedBy: doc.approval?.requestedBy ?? null, createdBy: doc.createdBy,
    reason: doc.approval?.reason ?? null, expiresAt: doc.approval?.expiresAt ?? null, object: doc.object, rows: doc.rowCount,
  },
});

/** What the audit log keeps of a new run. */
export const createdMigration = (doc: MigrationDoc) => ({
  target: { type: 'migration' as const, id: doc._id },
  details: { name: doc.name, dataset: doc.datasetName, object: doc.object, operation: doc.operation, rows: doc.rowCount, connection: doc.connectionId },
});

/** Streams one results file with back-pressure: CSV or .xlsx, DMS's layout or Data Loader's (?layout=dataloader). */
export async function sendResults(services: Services, req: Request, res: Response, kind: ResultKind, format: 'csv' | 'xlsx'): Promise<void> {
  const id = String(req.params.id);
  await getMigration(services, id);
  const layout = ResultLayout.parse(req.query.layout);
  const name = `${id}-${kind}${layout === 'dataloader' ? '-dataloader' : ''}.${format}`;
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  if (format === 'xlsx') {
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await writeResultsXlsx(services, id, kind, res, layout);
    return;
  }
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  await writeResultsCsv(services, id, kind, (text) => sendPiece(res, text), layout);
  res.end();
}

/**
 * Server-Sent Events: the status first, then every progress event of the migration (through the
 * process's one shared subscriber). `retry` tells the browser how soon to reconnect on its own.
 */
async function streamEvents(services: Services, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  const first = await statusBody(services, id);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
  res.write(`retry: 3000\nevent: status\ndata: ${first.body}\n\n`);
  let closed = false;
  const unsubscribe = await subscribeMigration(services, id, (message) => {
    res.write(`data: ${message}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  if (req.destroyed) close();
}

/** /api/v1/migrations: create, control, watch and download. Long work happens in jobs. */
export function migrationApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const page = await searchMigrations(services, req.query);
    res.json({ ...page, migrations: page.migrations.map(({ template: _t, ...m }) => ({ ...m, id: m._id })) });
  });
  router.post('/', async (req, res) => {
    const doc = await createMigration(services, req.body, actorOf(res));
    res.locals.audit = createdMigration(doc);
    res.status(201).json(await migrationStatus(services, doc._id));
  });
  router.get('/:id', async (req, res) => {
    const status = await statusBody(services, req.params.id, { errors: req.query.errors === 'true' });
    sendCacheable(res.type('json'), status.body, 'shared', status.version);
  });
  router.get('/:id/batches', async (req, res) => {
    const doc = await getMigration(services, req.params.id);
    res.json({ batches: (await listBatches(services, doc._id, doc.batchCount)).map(({ _attachments: _a, _rev: _r, ...b }) => b) });
  });
  const control = (name: string, action: (id: string, res: Response) => Promise<unknown>) =>
    router.post(`/:id/${name}`, async (req, res) => {
      const id = String(req.params.id);
      if (name === 'rollback') await assertMayRollBack(services, res, id);
      await assertControlConfirmed(services, res, id, name, req.body);
      await action(id, res);
      res.json(await migrationStatus(services, id));
    });
  control('start', (id, res) => startMigration(services, id, actorOf(res)));
  control('pause', (id, res) => pauseMigration(services, id, actorOf(res)));
  control('resume', (id, res) => resumeMigration(services, id, actorOf(res)));
  control('cancel', (id, res) => cancelMigration(services, id, actorOf(res)));
  control('rollback', (id, res) => rollbackRequest(services, id, actorOf(res)));
  router.post('/:id/approve', async (req, res) => {
    const doc = await approveMigration(services, req.params.id, actorOf(res));
    res.locals.audit = approvalAudit(doc);
    res.json(await migrationStatus(services, doc._id));
  });
  router.post('/:id/reject', async (req, res) => {
    const { reason } = RejectRequest.parse(req.body ?? {});
    const doc = await rejectMigration(services, req.params.id, actorOf(res), reason);
    res.locals.audit = approvalAudit(doc);
    res.json(await migrationStatus(services, doc._id));
  });
  router.post('/:id/retry-failed', async (req, res) => {
    const body = RetryRequest.parse(req.body ?? {});
    await assertControlConfirmed(services, res, req.params.id, 'retry-failed', req.body);
    const child = await retryFailedRows(services, req.params.id, actorOf(res), body.edits, retryNames(res));
    if (body.start) await startMigration(services, child._id, actorOf(res));
    res.locals.audit = { details: { ...(res.locals.audit as { details?: object } | undefined)?.details, retry: child._id } };
    res.status(201).json(await migrationStatus(services, child._id));
  });
  router.get('/:id/impact/:action', async (req, res) => {
    const doc = await getMigration(services, req.params.id);
    const impact = migrationImpact(doc, req.params.action, await connectionSummary(services, doc.connectionId));
    const say = res.locals.say as (message: Impact) => string;
    res.json({ action: req.params.action, confirm: impact !== undefined, message: impact ? say(impact) : null, typeBack: impact?.typeBack ?? null });
  });
  for (const kind of ['success', 'errors'] as const) {
    for (const format of ['csv', 'xlsx'] as const) router.get(`/:id/results/${kind}.${format}`, (req, res) => sendResults(services, req, res, kind, format));
  }
  router.get('/:id/events', (req, res) => streamEvents(services, req, res));
  return router;
}
