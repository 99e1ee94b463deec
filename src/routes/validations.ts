import { Router, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import {
  createValidation, getValidation, isFinished, presentValidation, progressOf, readInvalidRows, subscribeValidation, validationUrls,
  type ValidationDoc, type ValidationProgress,
} from '../preflight/index.js';
import { uploaderOf } from './datasets.js';
import { streamProgress } from '../web/sse.js';

/** Server-Sent Events of a validation's progress; the stream ends when the run is done or failed. */
async function streamValidationProgress(services: Services, req: Request<{ id: string }>, res: Response): Promise<void> {
  const first = await getValidation(services.store, req.params.id);
  await streamProgress<ValidationProgress>(req, res, {
    current: progressOf(first),
    isFinal: (progress) => isFinished(progress.status),
    subscribe: (onEvent) => subscribeValidation(services.redis, first._id, onEvent),
    reread: async () => progressOf(await getValidation(services.store, first._id)),
  });
}

async function sendInvalidRows(services: Services, id: string, res: Response): Promise<void> {
  const doc = await getValidation(services.store, id);
  const gzip = doc.status === 'done' ? await readInvalidRows(services.store, id) : undefined;
  if (!gzip) {
    throw new AppError('VALIDATION_NOT_DONE', 409, `Validation ${id} is ${doc.status}: the invalid rows are there once it is done.`);
  }
  res.set({
    'content-type': 'text/csv; charset=utf-8',
    'content-encoding': 'gzip',
    'content-disposition': `attachment; filename="${id}-invalid-rows.csv"`,
  });
  res.send(gzip);
}

/** What the audit log keeps of a requested dry run. */
export const startedValidation = (doc: ValidationDoc) => ({
  target: { type: 'validation' as const, id: doc._id }, details: { dataset: doc.datasetName, object: doc.object, operation: doc.operation },
});

/** /api/v1/validations: request a dry run (202 + job), read its report, follow it, download the invalid rows. */
export function validationApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const doc = await createValidation(services, req.body, uploaderOf(res));
    res.locals.audit = startedValidation(doc);
    res.status(202).location(validationUrls(doc._id).self).json({ ...presentValidation(doc), job: { name: 'validation.run', id: doc._id } });
  });
  router.get('/:id', async (req, res) => {
    res.json(presentValidation(await getValidation(services.store, req.params.id)));
  });
  router.get('/:id/events', (req, res) => streamValidationProgress(services, req, res));
  router.get('/:id/invalid-rows.csv', (req, res) => sendInvalidRows(services, req.params.id, res));
  return router;
}

/** /validations/:id: the report page (progress while running). */
export function validationPageRoutes(services: Services): Router {
  const router = Router();
  router.get('/:id', async (req, res) => {
    const validation = await getValidation(services.store, req.params.id);
    res.render('pages/preflight/report', { title: res.locals.t('preflight.title', { name: validation.datasetName }), validation, urls: validationUrls(validation._id) });
  });
  return router;
}
