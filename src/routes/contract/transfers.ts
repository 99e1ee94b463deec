import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { DeadLetterPage, DeadLetterRetry, TransferDoc, TransferRequest } from '../../transfers/index.js';
import { IdParams, Urls, resourceRoutes } from './shapes.js';

const TransferView = TransferDoc.omit({ _id: true, _rev: true, kind: true, endpoints: true })
  .extend({ id: z.string(), urls: Urls }).meta({ id: 'Transfer' });
const DeadLetterView = z.object({
  transferId: z.string(), key: z.string(), record: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  code: z.string(), reason: z.string(), attempts: z.number().int(), at: z.string(),
}).meta({ id: 'DeadLetter' });
const tag = 'transfers';
const transfers = resourceRoutes('/api/v1/transfers', tag, TransferView);

export const transferOperations = defineOperations([
  {
    method: 'post', path: '/api/v1/transfers', tag, scope: 'operate',
    summary: 'Start a transfer (source, pipeline, target, batch size, bound); answers its id at once',
    body: TransferRequest,
    responses: { 202: TransferView },
  },
  transfers.list('Transfers, newest first'),
  transfers.one('One transfer: status, counts, lag, the bound\'s state'),
  transfers.control('pause', 'Pause after the running batch; resume goes on from there'),
  transfers.control('resume', 'Resume a paused or failed transfer from its saved position'),
  transfers.control('stop', 'Stop for good; what was not moved stays in the source'),
  {
    method: 'get', path: '/api/v1/transfers/{id}/dead-letters', tag, scope: 'read',
    summary: 'Records the pipeline or the target refused, with why: a page of them, oldest first',
    params: IdParams,
    query: DeadLetterPage,
    responses: {
      200: z.object({
        deadLetters: z.array(DeadLetterView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), hasNext: z.boolean(),
      }),
    },
  },
  {
    method: 'post', path: '/api/v1/transfers/{id}/dead-letters/retry', tag, scope: 'operate',
    summary: 'Send the dead letters again, all or those `keys` name (optionally with a fixed pipeline, saved on the transfer)',
    params: IdParams,
    body: DeadLetterRetry,
    responses: { 202: TransferView },
  },
]);
