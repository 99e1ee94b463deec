import type { Services } from '../services.js';
import { isAppError } from '../errors.js';
import { logger } from '../logger.js';
import { SalesforceError, sessionFor } from '../salesforce/index.js';
import {
  cleanUpChunks, deleteChunks, failedState, findDataset, publishProgress, readyState, updateDataset, writeEndState,
  type DatasetDoc, type ParseProgress, type QuerySource,
} from '../datasets/index.js';
import { ExportSink } from './export-sink.js';
import { dropBulkJob, runQuery } from './query-source.js';

const DOC_UPDATE_EVERY_MS = 2000;

export type ExportOutcome =
  | { outcome: 'ready'; rowCount: number; chunkCount: number }
  | { outcome: 'failed'; code: string }
  | { outcome: 'skipped'; reason: string };

class Stopped extends Error {}

/** Salesforce refused the query itself (a 4xx, or a failed job): running it again cannot help. */
const isQueryProblem = (error: unknown): boolean =>
  (isAppError(error) && error.status < 500) || (error instanceof SalesforceError && !error.transient)
  || (isAppError(error) && error.code === 'EXPORT_QUERY_FAILED');

function failureOf(error: unknown): { code: string; message: string } {
  if (error instanceof SalesforceError) {
    return { code: error.errorCode, message: `Salesforce refused the query: ${error.message}` };
  }
  if (isAppError(error) && error.expose) return { code: error.code, message: error.message };
  const message = 'The export failed because of a problem on our side (it was logged). Run it again, or contact an administrator.';
  return { code: 'EXPORT_FAILED', message };
}

/**
 * Runs one export into its dataset: the query (REST or Bulk API 2.0) streamed into chunks and a profile, progress
 * published as chunks are stored. Safe to run again for the same run (chunk writes replace, extra chunks are
 * deleted, a Bulk job already made is read again); a dataset deleted meanwhile stops at the next progress check.
 */
export async function runExport(
  services: Services, datasetId: string, run: number, lastAttempt: boolean,
): Promise<ExportOutcome> {
  const { store, redis } = services;
  const log = logger('datasets', { datasetId, run });
  // This run's, and still exporting: a dataset failed meanwhile (by the sweeper) or deleted is left alone.
  const mine = (doc: DatasetDoc) => doc.parseRun === run && doc.source !== undefined && doc.status === 'exporting';
  const started = await updateDataset(store, datasetId, (doc) =>
    mine(doc) ? { ...doc, status: 'exporting', error: undefined, progress: { bytesRead: 0, rowsRead: 0 } } : undefined,
  );
  if (!started?.source) return { outcome: 'skipped', reason: 'the dataset was deleted, failed or exported again since' };
  let source: QuerySource = started.source;

  let lastDocUpdate = Date.now();
  const progress = (status: ParseProgress['status'], error?: ParseProgress['error']): ParseProgress => ({
    status, bytesRead: sink.bytes, sizeBytes: 0, rowsRead: sink.rowCount, chunks: sink.chunks.chunkCount,
    totalRows: source.totalRows, error,
  });
  const publish = (event: ParseProgress) => publishProgress(redis, datasetId, event).catch((err: unknown) => {
    log.warn({ err }, 'could not publish progress');
  });
  const counts = () => ({ bytesRead: sink.bytes, rowsRead: sink.rowCount });
  const keep = async (change: Partial<QuerySource> = {}) => {
    const kept = await updateDataset(store, datasetId, (doc) =>
      mine(doc) && doc.source ? { ...doc, source: { ...doc.source, ...change }, progress: counts() } : undefined,
    );
    if (!kept?.source) throw new Stopped();
    source = kept.source;
    lastDocUpdate = Date.now();
  };
  const sink: ExportSink = new ExportSink(store, datasetId, started.columns, async () => {
    void publish(progress('exporting'));
    if (Date.now() - lastDocUpdate >= DOC_UPDATE_EVERY_MS) await keep();
  });

  const session = await sessionFor(services, source.connectionId);
  try {
    await runQuery(session, source, sink, { record: keep });
    await sink.end();
  } catch (error) {
    await sink.end().catch(() => undefined);
    if (error instanceof Stopped) return stopped(services, datasetId, log);
    if (!isQueryProblem(error) && !lastAttempt) throw error;
    const failure = failureOf(error);
    if (!isQueryProblem(error)) log.error({ err: error }, 'export failed');
    // The end state first (retried while the store is unreachable), the cleanup after: never left exporting.
    const failed = await writeEndState(store, datasetId, (doc) => (mine(doc) ? failedState(doc, failure) : undefined));
    await dropBulkJob(session, source.bulkJobId);
    if (failed) {
      await publish(progress('failed', failure));
      await cleanUpChunks(store, failed);
    }
    if (!isQueryProblem(error)) throw error;
    return { outcome: 'failed', code: failure.code };
  }

  const result = {
    columns: started.columns, headerRenames: [], rowCount: sink.rowCount, chunkCount: sink.chunks.chunkCount, issueCount: 0,
    profile: sink.profiler.result(), bytesRead: sink.bytes, file: { size: sink.bytes },
  };
  const ready = await writeEndState(store, datasetId, (doc) => (mine(doc) ? readyState(doc, result) : undefined));
  await dropBulkJob(session, source.bulkJobId);
  if (!ready) return stopped(services, datasetId, log);
  await publish(progress('ready'));
  await cleanUpChunks(store, ready);
  log.info({ rows: sink.rowCount, chunks: sink.chunks.chunkCount, api: source.api }, 'export ready');
  return { outcome: 'ready', rowCount: sink.rowCount, chunkCount: sink.chunks.chunkCount };
}

/**
 * A deleted dataset loses the chunks this run wrote; one failed meanwhile has its cleanup mark (the sweeper's); one
 * exported again keeps them for the newer run to replace.
 */
async function stopped(services: Services, datasetId: string, log: ReturnType<typeof logger>): Promise<ExportOutcome> {
  if (!(await findDataset(services.store, datasetId))) await deleteChunks(services.store, datasetId);
  log.info('export stopped: the dataset was deleted, failed or exported again meanwhile');
  return { outcome: 'skipped', reason: 'the dataset was deleted, failed or exported again meanwhile' };
}
