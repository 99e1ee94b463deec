import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import {
  cancelMigration, createMigration, eventsChannel, getMigration, listBatches, listMigrations, migrationStatus, pauseMigration,
  resumeMigration, retryFailedRows, rollbackRequest, startMigration, writeResultsCsv,
} from '../migrations/index.js';

export const actorOf = (res: Response): string => (res.locals.user as { username?: string } | undefined)?.username ?? 'anonymous';

const RetryRequest = z.object({ edits: z.array(z.unknown()).default([]), start: z.boolean().default(false) }).default({ edits: [], start: false });

/** Streams one results CSV with back-pressure. */
export async function sendResults(services: Services, req: Request, res: Response, kind: 'success' | 'errors'): Promise<void> {
  const id = String(req.params.id);
  await getMigration(services, id);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${id}-${kind}.csv"`);
  await writeResultsCsv(services, id, kind, (text) => (res.write(text) ? Promise.resolve() : new Promise((resolve) => res.once('drain', () => resolve()))));
  res.end();
}

/** /api/v1/migrations: create, control, watch and download. Long work happens in jobs. */
export function migrationApiRoutes(services: Services): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ migrations: (await listMigrations(services)).map(({ template: _t, ...m }) => ({ ...m, id: m._id })) });
  });
  router.post('/', async (req, res) => {
    const doc = await createMigration(services, req.body, actorOf(res));
    res.status(201).json(await migrationStatus(services, doc._id));
  });
  router.get('/:id', async (req, res) => {
    res.json(await migrationStatus(services, req.params.id, { errors: req.query.errors === 'true' }));
  });
  router.get('/:id/batches', async (req, res) => {
    const doc = await getMigration(services, req.params.id);
    res.json({ batches: (await listBatches(services, doc._id, doc.batchCount)).map(({ _attachments: _a, _rev: _r, ...b }) => b) });
  });
  const control = (name: string, action: (id: string, actor: string) => Promise<unknown>) =>
    router.post(`/:id/${name}`, async (req, res) => {
      await action(String(req.params.id), actorOf(res));
      res.json(await migrationStatus(services, String(req.params.id)));
    });
  control('start', (id, actor) => startMigration(services, id, actor));
  control('pause', (id, actor) => pauseMigration(services, id, actor));
  control('resume', (id, actor) => resumeMigration(services, id, actor));
  control('cancel', (id, actor) => cancelMigration(services, id, actor));
  control('rollback', (id, actor) => rollbackRequest(services, id, actor));
  router.post('/:id/retry-failed', async (req, res) => {
    const body = RetryRequest.parse(req.body ?? {});
    const child = await retryFailedRows(services, req.params.id, actorOf(res), body.edits);
    if (body.start) await startMigration(services, child._id, actorOf(res));
    res.status(201).json(await migrationStatus(services, child._id));
  });
  router.get('/:id/results/success.csv', (req, res) => sendResults(services, req, res, 'success'));
  router.get('/:id/results/errors.csv', (req, res) => sendResults(services, req, res, 'errors'));
  router.get('/:id/events', async (req, res) => {
    const id = req.params.id;
    const first = await migrationStatus(services, id);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: status\ndata: ${JSON.stringify(first)}\n\n`);
    const subscriber = services.redis.duplicate();
    subscriber.on('message', (_channel: string, message: string) => res.write(`data: ${message}\n\n`));
    await subscriber.subscribe(eventsChannel(id));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      subscriber.disconnect();
    });
  });
  return router;
}
