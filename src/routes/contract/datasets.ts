import { z } from 'zod';
import { ConfirmFields } from '../../confirmations/index.js';
import { defineOperations } from '../../openapi/index.js';
import { DatasetStatus } from '../../datasets/model.js';
import { ListQuery, Paging } from '../datasets.js';
import { Failure, IdParams, Urls, eventStream, resourceRoutes } from './shapes.js';

export const DatasetView = z.looseObject({
  id: z.string(),
  name: z.string(),
  fileName: z.string(),
  format: z.string().optional(),
  sizeBytes: z.number().int(),
  sha256: z.string().optional(),
  status: DatasetStatus,
  error: Failure.optional(),
  columns: z.array(z.string()),
  rowCount: z.number().int(),
  chunkCount: z.number().int(),
  issueCount: z.number().int(),
  uploadedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  urls: Urls,
}).meta({ id: 'Dataset' });

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const tag = 'datasets';
const datasets = resourceRoutes('/api/v1/datasets', tag, DatasetView);
const upload = {
  contentType: 'multipart/form-data',
  description: 'One `file` part (any name); optional fields before it: `name`, `encoding`, `delimiter`, `sheet` ...',
  schema: z.object({ file: z.string().meta({ format: 'binary' }) }),
};

export const datasetOperations = defineOperations([
  {
    method: 'post', path: '/api/v1/datasets', tag, scope: 'operate',
    summary: 'Upload a file; a job parses it',
    body: upload,
    responses: { 202: DatasetView },
  },
  {
    method: 'get', path: '/api/v1/datasets', tag, scope: 'read',
    summary: 'List datasets, newest first',
    query: ListQuery,
    responses: { 200: z.looseObject({ datasets: z.array(DatasetView), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() }) },
  },
  datasets.one('One dataset'),
  {
    method: 'get', path: '/api/v1/datasets/{id}/rows', tag, scope: 'read',
    summary: 'A page of rows',
    params: IdParams,
    query: Paging,
    responses: {
      200: z.object({
        columns: z.array(z.string()), firstRow: z.number().int(), rows: z.array(z.array(Cell)),
        offset: z.number().int(), limit: z.number().int(), total: z.number().int(),
      }),
    },
  },
  {
    method: 'get', path: '/api/v1/datasets/{id}/issues', tag, scope: 'read',
    summary: 'Accepted rows with remarks',
    params: IdParams,
    query: Paging,
    responses: { 200: z.looseObject({ issues: z.array(z.looseObject({ row: z.number(), code: z.string(), message: z.string() })) }) },
  },
  {
    method: 'delete', path: '/api/v1/datasets/{id}', tag, scope: 'operate',
    summary: 'Delete a dataset, its chunks and file (confirm: true)',
    params: IdParams,
    body: ConfirmFields,
    responses: { 204: null },
  },
  {
    method: 'post', path: '/api/v1/datasets/{id}/reparse', tag, scope: 'operate',
    summary: 'Parse again with other reader options',
    params: IdParams, body: z.record(z.string(), z.unknown()), responses: { 202: DatasetView },
  },
  {
    method: 'get', path: '/api/v1/datasets/{id}/events', tag, scope: 'read',
    summary: 'Parse progress',
    params: IdParams,
    responses: { 200: eventStream('parse progress until ready or failed') },
  },
]);
