import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { Mapping } from '../../mapping/index.js';
import { PreviewRequest, SuggestRequest, ValidationRequest, ValidationStatus } from '../../preflight/index.js';
import { PingRequest } from '../diagnostics.js';
import { Failure, IdParams, Urls, csvFile, eventStream, resourceRoutes } from './shapes.js';

const Requirement = z.looseObject({ field: z.string() });
const ValidationView = z.looseObject({
  id: z.string(),
  datasetId: z.string(),
  connectionId: z.string(),
  object: z.string(),
  operation: z.string(),
  status: ValidationStatus,
  report: z.looseObject({}).optional(),
  error: Failure.optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  urls: Urls,
}).meta({ id: 'Validation' });
const validations = resourceRoutes('/api/v1/validations', 'validations', ValidationView);

export const preflightOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/describe/{connectionId}', tag: 'mapping', scope: 'read',
    summary: 'The org\'s objects DMS can write',
    params: z.object({ connectionId: z.string() }),
    responses: { 200: z.object({ objects: z.array(z.object({ name: z.string(), label: z.string() })) }) },
  },
  {
    method: 'get', path: '/api/v1/describe/{connectionId}/{object}', tag: 'mapping', scope: 'read',
    summary: 'An object\'s writable fields',
    params: z.object({ connectionId: z.string(), object: z.string() }),
    responses: {
      200: z.object({
        name: z.string(), label: z.string(), keyPrefix: z.string().nullable(),
        fields: z.array(z.looseObject({ name: z.string(), label: z.string(), type: z.string(), required: z.boolean() })),
      }),
    },
  },
  {
    method: 'post', path: '/api/v1/mapping/suggest', tag: 'mapping', scope: 'operate',
    summary: 'Column -> field suggestions with scores',
    body: SuggestRequest,
    responses: {
      200: z.looseObject({
        object: z.string(), columns: z.array(z.string()),
        suggestions: z.array(z.looseObject({ column: z.string(), field: z.string(), score: z.number() })),
        mapping: Mapping, unmappedRequired: z.array(Requirement),
      }),
    },
  },
  {
    method: 'post', path: '/api/v1/preview', tag: 'mapping', scope: 'operate',
    summary: 'Rows through the pipeline, invalid cells marked',
    body: PreviewRequest,
    responses: {
      200: z.looseObject({
        columns: z.array(z.string()), rows: z.array(z.object({ row: z.number().int(), values: z.array(z.unknown()) })),
        invalid: z.array(z.looseObject({ row: z.number().int(), code: z.string(), message: z.string() })),
        skipped: z.number().int(), elapsedMs: z.number(),
      }),
    },
  },
  {
    method: 'post', path: '/api/v1/validations', tag: 'validations', scope: 'operate',
    summary: 'A dry run of every row (a job)',
    body: ValidationRequest,
    responses: { 202: ValidationView.extend({ job: z.object({ name: z.string(), id: z.string() }) }) },
  },
  validations.one('A validation and its report'),
  {
    method: 'get', path: '/api/v1/validations/{id}/events', tag: 'validations', scope: 'read',
    summary: 'Validation progress',
    params: IdParams,
    responses: { 200: eventStream('progress until done or failed') },
  },
  {
    method: 'get', path: '/api/v1/validations/{id}/invalid-rows.csv', tag: 'validations', scope: 'read',
    summary: 'The invalid rows with their reasons',
    params: IdParams, responses: { 200: csvFile('gzip-encoded CSV of the invalid rows') },
  },
  {
    method: 'post', path: '/api/v1/diagnostics/ping', tag: 'operations', scope: 'operate',
    summary: 'A round trip through the queue to a worker',
    body: PingRequest,
    responses: { 200: z.object({ jobId: z.string(), answer: z.unknown() }) },
  },
]);
