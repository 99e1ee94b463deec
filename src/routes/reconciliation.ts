import { Router, type Response } from 'express';
import type { Services } from '../services.js';
import { sendPiece } from '../web/send-piece.js';
import { notFound } from '../errors.js';
import { getMigration } from '../migrations/index.js';
import { findReconciliation, requestReconciliation, writeDifferencesCsv, type ReconciliationDoc } from '../reconciliation/index.js';
import { actorOf } from './migrations.js';

/** The report as the API and the page show it (the stored document without CouchDB's fields). */
export const reconciliationView = ({ _id: _i, _rev: _r, _attachments: _a, kind: _k, ...doc }: ReconciliationDoc) => doc;

async function request(services: Services, id: string, res: Response): Promise<ReconciliationDoc> {
  const doc = await requestReconciliation(services, await getMigration(services, id), actorOf(res));
  res.locals.audit = { details: { reconciliation: doc.state } };
  return doc;
}

/** /api/v1/migrations/:id/reconcile and the report: after the migration routes, on the same prefix. */
export function reconciliationApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/:id/reconcile', async (req, res) => {
    res.status(202).json(reconciliationView(await request(services, req.params.id, res)));
  });
  router.get('/:id/reconciliation', async (req, res) => {
    const doc = await findReconciliation(services, req.params.id);
    if (!doc) throw notFound(`A reconciliation of migration ${req.params.id}`);
    res.json(reconciliationView(doc));
  });
  router.get('/:id/reconciliation/differences.csv', async (req, res) => {
    const id = String(req.params.id);
    let started = false;
    await writeDifferencesCsv(services, id, async (text) => {
      if (!started) {
        started = true;
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="${id}-differences.csv"`);
      }
      await sendPiece(res, text);
    });
    res.end();
  });
  return router;
}

/** The run page's reconciliation section reads its report from res.locals; the page's button asks for a new one. */
export function reconciliationPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/:id', async (req, res, next) => {
    res.locals.reconciliation = await findReconciliation(services, req.params.id);
    next();
  });
  router.post('/:id/reconcile', async (req, res) => {
    await request(services, req.params.id, res);
    res.redirect(303, `/migrations/${encodeURIComponent(req.params.id)}#reconciliation`);
  });
  return router;
}
