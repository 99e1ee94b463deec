import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import {
  deleteDataset, formatBytes, getDataset, listDatasets, parseOptionsFrom, readIssues, readRows, reparseDataset, type RowsPage,
} from '../datasets/index.js';
import { cutText } from '../cut-text.js';
import { assertConfirmed, datasetImpact } from '../confirmations/index.js';
import { listValidations } from '../preflight/index.js';
import { deletedDataset, uploaderOf } from './datasets.js';

const PREVIEW_ROWS = 100;
/** Characters of a cell the preview shows: 100 rows of 30,000-character cells made a 3.4 MB page that took 18 s. */
const PREVIEW_CELL_CHARS = 200;

/** The page's rows with long texts cut (the rows API and the downloads keep them whole), and whether any was. */
function previewCells(page: RowsPage): { preview: RowsPage; previewCut: boolean } {
  let previewCut = false;
  const rows = page.rows.map((row) => row.map((value) => {
    if (typeof value !== 'string' || value.length <= PREVIEW_CELL_CHARS) return value;
    previewCut = true;
    return cutText(value, PREVIEW_CELL_CHARS);
  }));
  return { preview: { ...page, rows }, previewCut };
}
const ISSUES_SHOWN = 200;
const PageQuery = z.object({ page: z.coerce.number().int().min(1).default(1) });

/** The dataset pages: list, upload, detail (preview, profile, issues), delete and re-parse forms. */
export function datasetPageRoutes(services: Services): Router {
  const router = Router();
  const { store } = services;
  router.use((_req, res, next) => {
    res.locals.formatBytes = formatBytes;
    next();
  });

  router.get('/', async (req, res) => {
    const { page } = PageQuery.parse(req.query);
    const result = await listDatasets(store, page, 50);
    res.render('pages/datasets/index', { title: res.locals.t('datasets.title'), ...result });
  });

  router.get('/new', (_req, res) => {
    res.render('pages/datasets/new', { title: res.locals.t('datasets.new.title'), maxBytes: services.config.uploadMaxBytes, uploadedBy: uploaderOf(res) });
  });

  router.get('/:id', async (req, res) => {
    const { page } = PageQuery.parse(req.query);
    const dataset = await getDataset(store, req.params.id);
    const ready = dataset.status === 'ready';
    const pages = Math.max(1, Math.ceil(dataset.rowCount / PREVIEW_ROWS));
    const current = Math.min(page, pages);
    const shown = ready ? previewCells(await readRows(store, dataset, (current - 1) * PREVIEW_ROWS, PREVIEW_ROWS)) : undefined;
    const issues = ready && dataset.issueCount > 0 ? await readIssues(store, dataset, 0, ISSUES_SHOWN) : undefined;
    const validations = ready ? await listValidations(store, dataset._id, 10) : [];
    res.render('pages/datasets/show', {
      title: dataset.name, dataset, preview: shown?.preview, previewCut: shown?.previewCut ?? false, issues, page: current, pages, validations,
      deleteImpact: datasetImpact(dataset),
    });
  });

  router.post('/:id/delete', async (req, res) => {
    const dataset = await getDataset(store, req.params.id);
    res.locals.audit = { details: deletedDataset(dataset) };
    assertConfirmed(req.body, datasetImpact(dataset));
    await deleteDataset(store, dataset);
    res.redirect(303, '/datasets');
  });

  router.post('/:id/reparse', async (req, res) => {
    const { _csrf: _token, ...fields } = (req.body ?? {}) as Record<string, unknown>;
    const doc = await reparseDataset(services, req.params.id, parseOptionsFrom(fields));
    res.redirect(303, `/datasets/${encodeURIComponent(doc._id)}`);
  });
  return router;
}
