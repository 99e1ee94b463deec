import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { streamProgress } from '../web/sse.js';
import { sendPiece } from '../web/send-piece.js';
import { assertConfirmed, datasetImpact } from '../confirmations/index.js';
import { logger } from '../logger.js';
import {
  deleteDataset, findDataset, getDataset, isFinal, listDatasets, parseOptionsFrom, readIssues, readRows, receiveUpload,
  reparseDataset, subscribeProgress, DOWNLOAD_FORMATS, downloadOf, writeDownload, type DatasetDoc, type ParseProgress,
} from '../datasets/index.js';

export const Paging = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const DownloadQuery = z.object({ format: z.enum(DOWNLOAD_FORMATS).default('csv') });

export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const datasetUrls = (id: string) => ({
  self: `/api/v1/datasets/${id}`,
  rows: `/api/v1/datasets/${id}/rows`,
  issues: `/api/v1/datasets/${id}/issues`,
  events: `/api/v1/datasets/${id}/events`,
  download: `/api/v1/datasets/${id}/download`,
  page: `/datasets/${id}`,
});

/** The API shape of a dataset: its document without CouchDB's fields, plus its URLs. */
export function presentDataset(doc: DatasetDoc) {
  const { _id, _rev: _ignored, kind: _kind, ...rest } = doc;
  return { id: _id, ...rest, urls: datasetUrls(_id) };
}

/** What the audit log keeps of a deleted dataset. */
export const deletedDataset = (d: DatasetDoc) => ({ name: d.name, rows: d.rowCount, sha256: d.sha256 ?? null });

export const uploaderOf = (res: Response): string => (res.locals.user as { username?: string } | undefined)?.username ?? 'anonymous';

export const progressOf = (doc: DatasetDoc): ParseProgress => ({
  status: doc.status,
  bytesRead: doc.progress?.bytesRead ?? 0,
  sizeBytes: doc.sizeBytes,
  rowsRead: doc.status === 'ready' ? doc.rowCount : (doc.progress?.rowsRead ?? 0),
  chunks: doc.chunkCount,
  totalRows: doc.source?.totalRows,
  error: doc.error,
});

/** Server-Sent Events of a dataset's parse progress; the stream ends once the dataset is ready or failed. */
async function streamParseProgress(services: Services, req: Request<{ id: string }>, res: Response): Promise<void> {
  const first = await getDataset(services.store, req.params.id);
  await streamProgress<ParseProgress>(req, res, {
    current: progressOf(first),
    isFinal: (progress) => isFinal(progress.status),
    subscribe: (onEvent) => subscribeProgress(services.redis, first._id, onEvent),
    reread: async () => {
      const now = await findDataset(services.store, first._id);
      return now ? progressOf(now) : undefined;
    },
  });
}

/** /api/v1/datasets: upload, list, read, re-parse and delete datasets. */
export function datasetApiRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;

  router.post('/', async (req, res) => {
    try {
      const doc = await receiveUpload(services, req, uploaderOf(res));
      res.locals.audit = { target: { type: 'dataset', id: doc._id }, sha256: doc.sha256, details: { name: doc.name, bytes: doc.sizeBytes } };
      res.status(202).location(datasetUrls(doc._id).self).json(presentDataset(doc));
    } catch (error) {
      // Refused before the end of the body: read and drop the rest so the client sees the answer, then close.
      if (!req.complete) {
        res.setHeader('connection', 'close');
        req.resume();
      }
      throw error;
    }
  });

  router.get('/', async (req, res) => {
    const { page, pageSize } = ListQuery.parse(req.query);
    const result = await listDatasets(store, page, pageSize);
    res.json({ ...result, datasets: result.datasets.map(presentDataset) });
  });

  router.get('/:id', async (req, res) => {
    res.json(presentDataset(await getDataset(store, req.params.id)));
  });

  router.get('/:id/rows', async (req, res) => {
    const { offset, limit } = Paging.parse(req.query);
    res.json(await readRows(store, await getDataset(store, req.params.id), offset, limit));
  });

  router.get('/:id/issues', async (req, res) => {
    const { offset, limit } = Paging.parse(req.query);
    res.json(await readIssues(store, await getDataset(store, req.params.id), offset, limit));
  });

  // DELETE bodies are optional in HTTP: the flag may come as ?confirm=true as well.
  router.delete('/:id', async (req, res) => {
    const dataset = await getDataset(store, req.params.id);
    res.locals.audit = { details: deletedDataset(dataset) };
    assertConfirmed({ ...req.query, ...(req.body ?? {}) }, datasetImpact(dataset));
    await deleteDataset(store, dataset);
    res.status(204).end();
  });

  router.post('/:id/reparse', async (req, res) => {
    const doc = await reparseDataset(services, req.params.id, parseOptionsFrom(req.body));
    res.status(202).json(presentDataset(doc));
  });

  router.get('/:id/download', async (req, res) => {
    const { format } = DownloadQuery.parse(req.query);
    const doc = await getDataset(store, req.params.id);
    const { fileName, contentType } = downloadOf(doc, format);
    res.status(200).type(contentType).attachment(fileName);
    try {
      await writeDownload(store, doc, format, (bytes) => sendPiece(res, bytes));
    } catch (error) {
      // The headers are gone: cut the connection so that a half file is never taken for a whole one.
      logger('http').warn({ err: error, datasetId: doc._id, format }, 'download cut off');
      res.destroy();
      return;
    }
    res.end();
  });

  router.get('/:id/events', (req, res) => streamParseProgress(services, req, res));
  return router;
}
