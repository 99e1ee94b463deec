import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { ReconciliationDoc, FieldTally } from '../../reconciliation/index.js';
import { Failure, IdParams, csvFile } from './shapes.js';

/** The stored summary as the API shows it (no CouchDB fields, the pieces behind the CSV download). */
export const ReconciliationView = z.looseObject({
  ...ReconciliationDoc.pick({
    migrationId: true, state: true, requestedBy: true, requestedAt: true, startedAt: true, finishedAt: true, counts: true,
  }).shape,
  differences: z.array(FieldTally),
  normalisations: z.array(FieldTally),
  error: Failure.optional(),
}).meta({ id: 'Reconciliation' });

const tag = 'migrations';

export const reconciliationOperations = defineOperations([
  {
    method: 'post', path: '/api/v1/migrations/{id}/reconcile', tag, scope: 'operate',
    summary: 'Query the org back and compare what it holds with what the run sent (a job; the report says queued)',
    params: IdParams,
    responses: { 202: ReconciliationView },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/reconciliation', tag, scope: 'read',
    summary: 'The last reconciliation: counts per outcome, differences and normalisations by field and kind, with examples',
    params: IdParams,
    responses: { 200: ReconciliationView },
  },
  {
    method: 'get', path: '/api/v1/migrations/{id}/reconciliation/differences.csv', tag, scope: 'read',
    summary: 'Every difference, missing record and record changed since, one line per field',
    params: IdParams,
    responses: { 200: csvFile('the differences of the last finished reconciliation') },
  },
]);
