import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { PlanInput, RunRequest } from '../../org-plans/index.js';
import { Failure, IdParams, Urls, resourceRoutes } from './shapes.js';

const tag = 'plans';

const PlanView = z
  .looseObject({
    id: z.string(), version: z.number().int(), name: z.string(), sourceConnectionId: z.string(), targetConnectionId: z.string(),
    objects: z.array(z.looseObject({ object: z.string(), operation: z.string() })),
    createdBy: z.string(), createdAt: z.string(), urls: Urls,
  })
  .meta({ id: 'Plan' });

const StepView = z.looseObject({
  object: z.string(),
  pass: z.enum(['load', 'lookups']),
  status: z.string(),
  exportId: z.string().optional(),
  datasetId: z.string().optional(),
  migrationId: z.string().optional(),
  validationId: z.string().optional(),
  unmapped: z.array(z.object({ column: z.string(), count: z.number().int(), examples: z.array(z.string()) })),
  totals: z.looseObject({ rows: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }).optional(),
  invalid: z.number().int().optional(),
  error: Failure.optional(),
  urls: Urls.optional(),
});

const RunView = z
  .looseObject({
    id: z.string(), planId: z.string(), planVersion: z.number().int(), dryRun: z.boolean(), state: z.string(),
    steps: z.array(StepView), error: Failure.optional(), urls: Urls,
  })
  .meta({ id: 'PlanRun' });

const plans = resourceRoutes('/api/v1/plans', tag, PlanView);
const RunParams = IdParams.extend({ runId: z.string().meta({ description: 'The run id' }) });

export const planOperations = defineOperations([
  plans.list('Org-to-org plans, the newest version of each'),
  {
    method: 'post', path: '/api/v1/plans', tag, scope: 'operate',
    summary: 'Save a new plan (version 1), checked against both orgs: objects, fields, WHERE filters, lookups\' order',
    body: PlanInput,
    responses: { 201: PlanView },
  },
  plans.one('A plan\'s newest version'),
  {
    method: 'put', path: '/api/v1/plans/{id}', tag, scope: 'operate',
    summary: 'Save the next version of a plan (runs keep the version they ran)',
    params: IdParams,
    body: PlanInput,
    responses: { 200: PlanView },
  },
  {
    method: 'get', path: '/api/v1/plans/{id}/runs', tag, scope: 'read', summary: 'A plan\'s runs, newest first',
    params: IdParams,
    responses: { 200: z.object({ runs: z.array(RunView) }) },
  },
  {
    method: 'post', path: '/api/v1/plans/{id}/runs', tag, scope: 'operate',
    summary: 'Run a plan (or a dry run: validation only, nothing written), object by object, parents first',
    params: IdParams,
    body: RunRequest,
    responses: { 202: RunView },
  },
  {
    method: 'get', path: '/api/v1/plans/{id}/runs/{runId}', tag, scope: 'read',
    summary: 'A run: each object\'s step, status, totals and its migration\'s page and files',
    params: RunParams,
    responses: { 200: RunView },
  },
  {
    method: 'post', path: '/api/v1/plans/{id}/runs/{runId}/rollback', tag, scope: 'operate',
    summary: 'Roll back a finished run: each object\'s migration, last object first',
    params: RunParams,
    responses: { 202: RunView },
  },
]);
