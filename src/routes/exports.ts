import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { listConnections } from '../connections/index.js';
import { AppError, isAppError } from '../errors.js';
import { CONDITION_OPERATORS, checkExport, createExport, describeLoader, exportFieldChoices } from '../exports/index.js';
import { presentDataset, datasetUrls, uploaderOf } from './datasets.js';

/** Objects offered in the form's list (any other can be typed). */
const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Campaign', 'Product2', 'User'];
const FormQuery = z.object({
  connectionId: z.string().max(100).default('local'),
  object: z.string().max(80).default(''),
});

/** The form's repeated fields (conditionField[i], conditionOperator[i], conditionValue[i]) as the API's conditions. */
function fromForm(body: Record<string, unknown>): Record<string, unknown> {
  const { _csrf: _token, conditionField, conditionOperator, conditionValue, ...rest } = body;
  const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const operators = all(conditionOperator);
  const values = all(conditionValue);
  const conditions = all(conditionField)
    .map((field, i) => ({ field: field.trim(), operator: operators[i] ?? '=', value: values[i] ?? '' }))
    .filter((c) => c.field !== '');
  return { ...rest, conditions };
}

/** /api/v1/exports: check an export's query against describe, start an export, the field picker. */
export function exportApiRoutes(services: Services): Router {
  const router = Router();
  router.post('/check', async (req, res) => {
    const { soql, object, columns } = await checkExport(services, req.body);
    res.json({ soql, object, columns });
  });
  router.post('/', async (req, res) => {
    const doc = await createExport(services, req.body, uploaderOf(res));
    res.status(202).location(datasetUrls(doc._id).self).json(presentDataset(doc));
  });
  router.get('/fields/:connectionId/:object', async (req, res) => {
    const describeOf = describeLoader(services, req.params.connectionId);
    const describe = await describeOf(req.params.object);
    if (!describe) throw new AppError('NOT_FOUND', 404, `Object ${req.params.object} does not exist in this org.`);
    res.json({ object: describe.name, fields: await exportFieldChoices(describe, describeOf) });
  });
  return router;
}

/** /exports/new: the export form (object, fields from describe, conditions, WHERE, ORDER BY, or SOQL). */
export function exportPageRoutes(services: Services): Router {
  const router = Router();
  const render = async (res: Response, values: Record<string, unknown>, error?: unknown) => {
    const connectionId = String(values.connectionId ?? 'local');
    const object = String(values.object ?? '');
    const describeOf = describeLoader(services, connectionId);
    const describe = object ? await describeOf(object).catch(() => undefined) : undefined;
    const fields = describe ? await exportFieldChoices(describe, describeOf) : undefined;
    res.status(error ? (isAppError(error) ? error.status : 500) : 200).render('pages/exports/new', {
      title: res.locals.t('exports.new.title'), connections: await listConnections(services), objects: OBJECTS,
      operators: CONDITION_OPERATORS, values: { ...values, connectionId, object: describe?.name ?? object }, fields,
      objectMissing: Boolean(object && !describe),
      error: isAppError(error) ? { code: error.code, message: error.message } : undefined,
    });
  };
  router.get('/new', async (req, res) => {
    await render(res, FormQuery.parse(req.query));
  });
  router.post('/', async (req, res) => {
    const input = fromForm((req.body ?? {}) as Record<string, unknown>);
    try {
      const doc = await createExport(services, input, uploaderOf(res));
      res.redirect(303, datasetUrls(doc._id).page);
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      await render(res, input, error);
    }
  });
  return router;
}
