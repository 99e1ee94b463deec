import { Router, type Response } from 'express';
import { sendPiece } from '../../web/send-piece.js';
import { sendErrors } from '../http/respond.js';
import { apiVersionOf } from '../http/context.js';
import { runSoql, SoqlError } from '../soql/index.js';
import { bulkQueryRefusal } from './query-support.js';
import type { EmulatorState, Session } from '../state.js';
import type { BulkJobs } from './jobs.js';
import { CreateQueryJob, QueryJob } from './query-job.js';

const bulkError = (res: Response, status: number, errorCode: string, message: string) => sendErrors(res, status, [{ errorCode, message }]);
const encodeLocator = (offset: number) => Buffer.from(`o${offset}`).toString('base64url');
const decodeLocator = (locator: string) => {
  const text = Buffer.from(locator, 'base64url').toString('utf8');
  return /^o\d+$/.test(text) ? Number(text.slice(1)) : NaN;
};

/** Bulk API 2.0 query: create (the query runs at once), poll, results paged by Sforce-Locator, abort, delete, list. */
export function bulkQueryRouter(state: EmulatorState, jobs: BulkJobs): Router {
  const router = Router({ mergeParams: true });
  const find = (res: Response, id: unknown): QueryJob | undefined => {
    const job = jobs.query.get(String(id));
    if (!job) bulkError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  };
  router.post('/jobs/query', (req, res) => {
    const parsed = CreateQueryJob.safeParse(req.body);
    if (!parsed.success) return bulkError(res, 400, 'INVALIDJOB', `Invalid job definition: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    let outcome;
    try {
      outcome = runSoql(state.store, parsed.data.query, parsed.data.operation === 'queryAll');
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      return bulkError(res, 400, error.errorCode, error.message);
    }
    const refusal = bulkQueryRefusal(outcome);
    if (refusal) return bulkError(res, 400, refusal.errorCode, refusal.message);
    const session = res.locals.session as Session;
    const job = new QueryJob(jobs.nextId(), parsed.data, outcome, apiVersionOf(req), session.userId);
    jobs.query.set(job.id, job);
    res.json(job.info());
    setImmediate(() => {
      if (job.state === 'UploadComplete') job.touch('JobComplete');
    });
  });
  router.get('/jobs/query', (_req, res) => {
    res.json({ done: true, records: [...jobs.query.values()].map((j) => j.info()), nextRecordsUrl: null });
  });
  router.get('/jobs/query/:id', (req, res) => {
    const job = find(res, req.params.id);
    if (job) res.json(job.info());
  });
  router.get('/jobs/query/:id/results', async (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    if (job.state !== 'JobComplete') return bulkError(res, 400, 'INVALIDJOBSTATE', `Job ${job.id} is ${job.state}: results are available when it is JobComplete`);
    const locator = typeof req.query.locator === 'string' && req.query.locator !== '' ? decodeLocator(req.query.locator) : 0;
    if (!Number.isFinite(locator)) return bulkError(res, 400, 'INVALIDLOCATOR', 'Invalid locator');
    const requested = Number(req.query.maxRecords);
    // maxRecords is a maximum: as an org does when a page would be too large, the page size caps it.
    const pageSize = state.options.bulkQueryPageSize;
    const max = Number.isInteger(requested) && requested > 0 ? Math.min(requested, pageSize) : pageSize;
    const page = job.page(locator, max);
    res.set('Sforce-Locator', page.next === null ? 'null' : encodeLocator(page.next));
    res.set('Sforce-NumberOfRecords', String(page.count));
    res.status(200).type('text/csv; charset=UTF-8');
    try {
      for (const part of page.parts) await sendPiece(res, part);
    } catch {
      return; // the client went away: the rest of the page is not made
    }
    res.end();
  });
  router.patch('/jobs/query/:id', (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    if (req.body?.state !== 'Aborted' || job.state === 'JobComplete') {
      return bulkError(res, 400, 'INVALIDJOBSTATE', `Invalid state transition from ${job.state} to ${String(req.body?.state)}`);
    }
    job.touch('Aborted');
    res.json(job.info());
  });
  router.delete('/jobs/query/:id', (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    jobs.query.delete(job.id);
    res.status(204).end();
  });
  return router;
}
