import { Router, type Response } from 'express';
import type { Session } from '../state.js';
import type { EmulatorState } from '../state.js';
import { sendErrors } from '../http/respond.js';
import { apiVersionOf } from '../http/context.js';
import type { FaultSettings } from '../options.js';
import { CreateIngestJob, IngestJob, RESULT_KINDS } from './ingest-job.js';
import type { BulkJobs } from './jobs.js';
import { streamResults } from './results.js';
import { storeUpload } from './upload.js';

const bulkError = (res: Response, status: number, errorCode: string, message: string) => sendErrors(res, status, [{ errorCode, message }]);

/** Bulk API 2.0 ingest: create, one streamed PUT, close/abort, poll, results, delete, list. */
export function ingestRouter(state: EmulatorState, jobs: BulkJobs): Router {
  const router = Router({ mergeParams: true });
  const find = (res: Response, id: unknown): IngestJob | undefined => {
    const job = jobs.ingest.get(String(id));
    if (!job) bulkError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  };
  router.post('/jobs/ingest', (req, res) => {
    const parsed = CreateIngestJob.safeParse(req.body);
    if (!parsed.success) return bulkError(res, 400, 'INVALIDJOB', `Invalid job definition: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const spec = parsed.data;
    const table = state.store.table(spec.object);
    if (!table) return bulkError(res, 400, 'INVALIDJOB', `Unable to find object: ${spec.object}`);
    if (spec.operation === 'upsert') {
      const fi = table.schema.byLower.get((spec.externalIdFieldName ?? '').toLowerCase());
      const f = fi === undefined ? undefined : table.schema.fields[fi];
      if (!f) return bulkError(res, 400, 'INVALIDJOB', `External ID was blank for ${table.schema.name}. An External ID must be specified for upsert.`);
      if (!f.externalId && !f.idLookup) return bulkError(res, 400, 'INVALIDJOB', `The field ${f.name} is not an External ID or indexed field for ${table.schema.name}`);
      spec.externalIdFieldName = f.name;
    }
    const session = res.locals.session as Session;
    const id = jobs.nextId();
    const job = new IngestJob(id, { ...spec, object: table.schema.name }, table, apiVersionOf(req), session.userId, jobs.folderOf(id));
    jobs.ingest.set(job.id, job);
    jobs.save(job);
    res.json(job.info());
  });
  router.get('/jobs/ingest', (_req, res) => {
    res.json({ done: true, records: [...jobs.ingest.values()].map((j) => j.info()), nextRecordsUrl: null });
  });
  router.get('/jobs/ingest/:id', (req, res) => {
    const job = find(res, req.params.id);
    if (job) res.json(job.info());
  });
  router.put('/jobs/ingest/:id/batches', async (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    if (job.state !== 'Open') return bulkError(res, 409, 'INVALIDJOBSTATE', `Job ${job.id} is not Open: it is ${job.state}`);
    if (!/text\/csv/i.test(req.get('content-type') ?? '')) return bulkError(res, 400, 'INVALIDCONTENTTYPE', 'Content-Type must be text/csv');
    job.uploads += 1;
    const stored = await storeUpload(job, req, state.options.maxUploadBytes);
    if (!stored) {
      return bulkError(res, 400, 'CLIENTINPUTERROR', `Exceeded max size limit of ${state.options.maxUploadBytes} bytes for the upload`);
    }
    jobs.save(job);
    res.status(201).end();
  });
  router.patch('/jobs/ingest/:id', (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    const target = req.body?.state;
    if (target === 'UploadComplete' && job.state === 'Open') {
      if (job.uploads > 1) {
        return bulkError(res, 400, 'INVALIDJOB', `Found multipe contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`);
      }
      const faults = res.locals.faults as FaultSettings;
      job.lockRatio = faults.lockRatio;
      job.injectFailure = faults.bulkFailRatio > 0 && state.faults.random() < faults.bulkFailRatio;
      job.touch('UploadComplete');
      jobs.enqueue(job);
      jobs.save(job);
      return void res.json(job.info());
    }
    if (target === 'Aborted' && !job.finished) {
      job.touch('Aborted');
      jobs.save(job);
      return void res.json(job.info());
    }
    bulkError(res, 400, 'INVALIDJOBSTATE', `Invalid state transition from ${job.state} to ${String(target)}`);
  });
  router.delete('/jobs/ingest/:id', async (req, res) => {
    const job = find(res, req.params.id);
    if (!job) return;
    if (job.state === 'Open') return bulkError(res, 400, 'INVALIDJOBSTATE', 'Job is Open: close or abort it before deleting it');
    await jobs.remove(job);
    res.status(204).end();
  });
  for (const kind of RESULT_KINDS) {
    router.get(`/jobs/ingest/:id/${kind}`, async (req, res) => {
      const job = find(res, req.params.id);
      if (job) await streamResults(job, kind, res);
    });
  }
  return router;
}
