import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { sendCacheable } from '../web/response-cache.js';
import { assertRole } from '../auth/index.js';
import { isProductionConnection } from '../connections/index.js';
import {
  cancelMigration, createMigration, forgetStatus, getMigration, listBatches, migrationStatus, pauseMigration, resumeMigration, retryFailedRows,
  rollbackRequest, searchMigrations, startMigration, statusBody, subscribeMigration, writeResultsCsv,
} from '../migrations/index.js';

export const actorOf = (res: Response): string => (res.locals.user as { username?: string } | undefined)?.username ?? 'anonymous';

export const RetryRequest = z.object({ edits: z.array(z.unknown()).default([]), start: z.boolean().default(false) }).default({ edits: [], start: false });
const HEARTBEAT_MS = 15_000;

/** Rolling back writes to the org again: on a production org only an admin may do it. */
export async function assertMayRollBack(services: Services, res: Response, id: string): Promise<void> {
  const doc = await getMigration(services, id);
  if (await isProductionConnection(services, doc.connectionId)) assertRole(res, 'admin');
}

/** Streams one results CSV with back-pressure. */
export async function sendResults(services: Services, req: Request, res: Response, kind: 'success' | 'errors'): Promise<void> {
  const id = String(req.params.id);
  await getMigration(services, id);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${id}-${kind}.csv"`);
  await writeResultsCsv(services, id, kind, (text) => (res.write(text) ? Promise.resolve() : new Promise((resolve) => res.once('drain', () => resolve()))));
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
    forgetStatus(services, id);
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
    res.status(201).json(await migrationStatus(services, doc._id));
  });
  router.get('/:id', async (req, res) => {
    const status = await statusBody(services, req.params.id, { errors: req.query.errors === 'true' });
    sendCacheable(res.type('json'), status.body, 'shared');
  });
  router.get('/:id/batches', async (req, res) => {
    const doc = await getMigration(services, req.params.id);
    res.json({ batches: (await listBatches(services, doc._id, doc.batchCount)).map(({ _attachments: _a, _rev: _r, ...b }) => b) });
  });
  const control = (name: string, action: (id: string, res: Response) => Promise<unknown>) =>
    router.post(`/:id/${name}`, async (req, res) => {
      const id = String(req.params.id);
      await action(id, res);
      forgetStatus(services, id);
      res.json(await migrationStatus(services, id));
    });
  control('start', (id, res) => startMigration(services, id, actorOf(res)));
  control('pause', (id, res) => pauseMigration(services, id, actorOf(res)));
  control('resume', (id, res) => resumeMigration(services, id, actorOf(res)));
  control('cancel', (id, res) => cancelMigration(services, id, actorOf(res)));
  control('rollback', async (id, res) => {
    await assertMayRollBack(services, res, id);
    return rollbackRequest(services, id, actorOf(res));
  });
  router.post('/:id/retry-failed', async (req, res) => {
    const body = RetryRequest.parse(req.body ?? {});
    const child = await retryFailedRows(services, req.params.id, actorOf(res), body.edits);
    if (body.start) await startMigration(services, child._id, actorOf(res));
    res.status(201).json(await migrationStatus(services, child._id));
  });
  router.get('/:id/results/success.csv', (req, res) => sendResults(services, req, res, 'success'));
  router.get('/:id/results/errors.csv', (req, res) => sendResults(services, req, res, 'errors'));
  router.get('/:id/events', (req, res) => streamEvents(services, req, res));
  return router;
}
