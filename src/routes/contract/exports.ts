import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { ExportRequest } from '../../exports/index.js';
import { DownloadQuery } from '../datasets.js';
import { DatasetView } from './datasets.js';
import { IdParams } from './shapes.js';

const tag = 'exports';

export const exportOperations = defineOperations([
  {
    method: 'post', path: '/api/v1/exports/check', tag, scope: 'operate',
    summary: 'Check an export\'s query against describe without running it: the SOQL and the columns it gives',
    body: ExportRequest,
    responses: { 200: z.object({ soql: z.string(), object: z.string(), columns: z.array(z.string()) }) },
  },
  {
    method: 'post', path: '/api/v1/exports', tag, scope: 'operate',
    summary: 'Export a Salesforce query (REST or Bulk 2.0, queryAll for Export All) into a new dataset',
    body: ExportRequest,
    responses: { 202: DatasetView },
  },
  {
    method: 'get', path: '/api/v1/exports/fields/{connectionId}/{object}', tag, scope: 'read',
    summary: 'The fields an export can pick: the object\'s own and its parents\' (Account.Name ...)',
    params: z.object({ connectionId: z.string(), object: z.string() }),
    responses: {
      200: z.object({
        object: z.string(),
        fields: z.array(z.object({ path: z.string(), label: z.string(), type: z.string(), via: z.string() })),
      }),
    },
  },
  {
    method: 'get', path: '/api/v1/datasets/{id}/download', tag: 'datasets', scope: 'read',
    summary: 'A ready dataset as CSV (Data Loader\'s layout), .xlsx, Parquet or NDJSON',
    params: IdParams,
    query: DownloadQuery,
    responses: { 200: { contentType: 'application/octet-stream', description: 'The dataset in the chosen format' } },
  },
]);
