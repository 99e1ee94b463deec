import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import { logger } from '../logger.js';
import { BulkJobs } from './bulk/jobs.js';
import { ingestRouter } from './bulk/ingest-routes.js';
import { bulkQueryRouter } from './bulk/query-routes.js';
import { faultMiddleware } from './faults.js';
import { oauthRouter, originOf, requireSession } from './http/auth.js';
import { collectionsRouter } from './http/collections.js';
import { compositeTreeRouter } from './http/composite-tree.js';
import { versionOf } from './http/context.js';
import { identityRouter } from './http/identity.js';
import { limitMiddleware, limitsBody } from './http/limits.js';
import { notFound, sendErrors } from './http/respond.js';
import { queryRouter } from './http/rest-query.js';
import { sobjectsRouter } from './http/rest-sobjects.js';
import { soapRouter } from './http/soap-login.js';
import { versionGate } from './http/versions.js';
import { inspectionRouter } from './inspection.js';
import { EmulatorOptions, type EmulatorOptionsInput } from './options.js';
import { loadState } from './persistence.js';
import { createState, seedOrg, type EmulatorState, type Session } from './state.js';


function apiRouter(state: EmulatorState, jobs: BulkJobs): Router {
  const api = Router({ mergeParams: true });
  api.use(versionGate);
  api.use(faultMiddleware(state.faults), requireSession(state), limitMiddleware(state));
  api.use(express.json({ limit: '50mb' }));
  api.get('/', (req, res) => {
    const base = `/services/data/${versionOf(req)}`;
    const session = res.locals.session as Session;
    res.json({
      sobjects: `${base}/sobjects`, query: `${base}/query`, queryAll: `${base}/queryAll`, limits: `${base}/limits`,
      composite: `${base}/composite`, jobs: `${base}/jobs`, identity: `${originOf(req)}/id/${state.options.orgId}/${session.userId}`,
    });
  });
  api.get('/limits', (_req, res) => {
    res.json(limitsBody(state));
  });
  api.use(sobjectsRouter(state), collectionsRouter(state), compositeTreeRouter(state), queryRouter(state));
  api.use(ingestRouter(state, jobs), bulkQueryRouter(state, jobs));
  api.use((_req, res) => notFound(res));
  return api;
}

function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const typed = error as { type?: string; message?: string };
  if (typed?.type === 'entity.parse.failed') {
    return sendErrors(res, 400, [{ errorCode: 'JSON_PARSER_ERROR', message: typed.message ?? 'Malformed JSON' }]);
  }
  if (typed?.type === 'entity.too.large') return sendErrors(res, 413, [{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: 'Request body too large' }]);
  logger('emulator').error({ err: error }, 'emulator request failed');
  if (!res.headersSent) sendErrors(res, 500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred in the emulator' }]);
  else res.end();
}

/** `//services/data` (an instance URL saved with a trailing slash, as the sf CLI does) is `/services/data`. */
function collapseSlashes(req: Request, _res: Response, next: NextFunction): void {
  const query = req.url.indexOf('?');
  const path = query < 0 ? req.url : req.url.slice(0, query);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (query < 0 ? '' : req.url.slice(query));
  next();
}

/** Builds the emulator's state (schema, saved records, seeded users) and its Express app, without listening. */
export async function createEmulatorApp(input: EmulatorOptionsInput = {}): Promise<{ app: Express; state: EmulatorState }> {
  const options = EmulatorOptions.parse(input);
  const state = await createState(options);
  if (options.dataDir) await loadState(state, options.dataDir);
  seedOrg(state);
  const jobs = new BulkJobs(state);
  state.jobs = jobs;
  await jobs.load();
  const app = express();
  app.disable('x-powered-by');
  app.use(collapseSlashes);
  app.use(oauthRouter(state), soapRouter(state), identityRouter(state));
  app.use('/services/data/:version', apiRouter(state, jobs));
  if (options.enableInspection) app.use('/__emulator', inspectionRouter(state));
  app.use((_req, res) => notFound(res));
  app.use(errorHandler);
  return { app, state };
}
