import { Readable } from 'node:stream';
import type { Services } from '../services.js';
import { followBlob, type BlobManifest } from '../blobs/index.js';
import { isAppError } from '../errors.js';
import { logger } from '../logger.js';
import { couchStatus } from '../store/index.js';
import { DatasetProfiler } from './profile/index.js';
import { DATASET_FORMATS, readDataset } from './readers/index.js';
import { deleteChunks } from './chunk-store.js';
import { CHUNK_ROWS, ChunkSink } from './chunk-sink.js';
import { findDataset, updateDataset } from './dataset-store.js';
import type { DatasetDoc } from './model.js';
import { cleanUpChunks, failedState, keepsChunks, readyState, writeEndState, type ParseFailure } from './run-end.js';
import { readerOptionsFor } from './parse-options.js';
import { publishProgress, type ParseProgress } from './progress.js';

type Logger = ReturnType<typeof logger>;

const DOC_UPDATE_EVERY_MS = 2000;
/** Rows per reader batch: small, so that rows are serialised into their chunk and freed while still young. */
const READ_BATCH_ROWS = CHUNK_ROWS / 10;
/** Small enough that the decoded text of a piece stays in V8's young generation (collected at once). */
const READ_BYTES = 64 * 1024;

export type ParseOutcome =
  | { outcome: 'ready'; rowCount: number; chunkCount: number }
  | { outcome: 'failed'; code: string }
  | { outcome: 'skipped'; reason: string };

class Stopped extends Error {}

/** Errors that are about the file (the readers' 422s, a missing raw file): retrying cannot help. */
const isFileProblem = (error: unknown): boolean => isAppError(error) && error.status < 500;
/** The store refused a document or request as too large (413): the same write would be refused again. */
const isStoreRefusal = (error: unknown): boolean => couchStatus(error) === 413;

function failureOf(error: unknown): ParseFailure {
  if (isFileProblem(error) && isAppError(error)) return { code: error.code, message: error.message };
  if (isStoreRefusal(error)) {
    return {
      code: 'STORE_LIMIT',
      message:
        'The store refused what the parse wrote as too large (Cloudant takes 1 MB a document, 10 MB an attachment ' +
        'or a request). This is a fault in DMS and was logged: tell an administrator which file it was.',
    };
  }
  return {
    code: 'PARSE_FAILED',
    message:
      'The file could not be parsed because of a problem on our side (it was logged). ' +
      'Re-parse it, or contact an administrator.',
  };
}

/**
 * Parses a dataset's raw file into chunks and a profile. Safe to run again for the same run
 * (chunk writes replace, extra chunks are deleted); a run superseded by a re-parse, or a dataset
 * deleted or failed meanwhile, stops at its next progress check. The end state (`ready` or `failed`) is written
 * first, retried for a minute; deleting chunks comes after and may fail (the sweeper retries it).
 */
export async function parseDataset(services: Services, datasetId: string, run: number, lastAttempt: boolean): Promise<ParseOutcome> {
  const { store, redis } = services;
  const log = logger('datasets', { datasetId, run });
  // A dataset failed by someone else (the web, for an upload cut off while this run followed it; the sweeper, for a
  // parse it found abandoned) is not ours to touch, nor is one re-parsed since.
  const mine = (doc: DatasetDoc) => doc.parseRun === run && doc.status !== 'failed';
  const start = (doc: DatasetDoc): DatasetDoc =>
    ({ ...doc, status: 'parsing', error: undefined, cleanup: undefined, progress: { bytesRead: 0, rowsRead: 0 } });
  const started = await updateDataset(store, datasetId, (doc) => (mine(doc) ? start(doc) : undefined));
  if (!started) return { outcome: 'skipped', reason: 'the dataset was deleted or re-parsed since' };

  let bytesRead = 0;
  let file: BlobManifest | undefined;
  // Known once the upload has finished (the web records it); 0 while the file is still arriving.
  let sizeBytes = started.sizeBytes;
  // The file may still be arriving: follow it part by part until its manifest says complete.
  const source = () => Readable.from(counted(followBlob(store, started.blobId, { onComplete: (m) => (file = m) })), { objectMode: false, highWaterMark: 1 });
  // Blob parts are MBs; readers get 64 KB views of them (no copy), so their decoded text stays small.
  async function* counted(stream: Readable): AsyncGenerator<Buffer> {
    bytesRead = 0;
    for await (const part of stream) {
      for (let at = 0; at < (part as Buffer).length; at += READ_BYTES) {
        const piece = (part as Buffer).subarray(at, at + READ_BYTES);
        bytesRead += piece.length;
        yield piece;
      }
    }
  }
  const progress = (status: ParseProgress['status'], sink: ChunkSink, error?: ParseProgress['error']): ParseProgress => ({
    status, bytesRead, sizeBytes: file?.size ?? sizeBytes, rowsRead: sink.rowCount, chunks: sink.chunkCount, error,
  });
  const publish = (event: ParseProgress) => publishProgress(redis, datasetId, event).catch((err: unknown) => log.warn({ err }, 'could not publish progress'));

  const sink = new ChunkSink(store, datasetId);
  const profiler = new DatasetProfiler();
  // The first chunk stored writes the columns at once: a migration may start on them while the parse goes on.
  let lastDocUpdate = 0;
  let ready: DatasetDoc | undefined;
  try {
    const format = DATASET_FORMATS.find((f) => f === started.format);
    const options = { ...readerOptionsFor(started.parseOptions), format, batchSize: READ_BATCH_ROWS };
    for await (const batch of readDataset(source, options)) {
      profiler.add(batch);
      if ((await sink.add(batch)) === 0) continue;
      void publish(progress('parsing', sink));
      if (Date.now() - lastDocUpdate < DOC_UPDATE_EVERY_MS) continue;
      lastDocUpdate = Date.now();
      const columns = sink.columns;
      const still = await updateDataset(store, datasetId, (doc) =>
        (mine(doc) ? { ...doc, columns, progress: { bytesRead, rowsRead: sink.rowCount } } : undefined));
      if (!still) throw new Stopped();
      sizeBytes = still.sizeBytes;
    }
    await sink.end();
    const { columns, headerRenames, rowCount, chunkCount, issueCount } = sink;
    const profile = profiler.result();
    const result = { columns, headerRenames, rowCount, chunkCount, issueCount, profile, bytesRead, file };
    ready = await writeEndState(store, datasetId, (doc) => (mine(doc) ? readyState(doc, result) : undefined));
  } catch (error) {
    await sink.end().catch(() => undefined);
    if (error instanceof Stopped) return stopped(services, datasetId, run, log);
    const final = isFileProblem(error) || isStoreRefusal(error);
    if (!final && !lastAttempt) throw error;
    if (!isFileProblem(error)) log.error({ err: error }, 'parse failed');
    const failure = failureOf(error);
    const failed = await writeEndState(store, datasetId, (doc) => (mine(doc) ? failedState(doc, failure) : undefined));
    if (!failed?.error) return stopped(services, datasetId, run, log);
    await publish(progress('failed', sink, failed.error));
    await cleanUpChunks(store, failed);
    if (!final) throw error;
    return { outcome: 'failed', code: failed.error.code };
  }
  if (!ready) return stopped(services, datasetId, run, log);
  await publish(progress('ready', sink));
  await cleanUpChunks(store, ready);
  log.info({ rows: sink.rowCount, chunks: sink.chunkCount, issues: sink.issueCount }, 'dataset ready');
  return { outcome: 'ready', rowCount: sink.rowCount, chunkCount: sink.chunkCount };
}

/**
 * A deleted dataset, or this run's own dataset failed by someone else, loses the chunks this run wrote; a re-parsed
 * one keeps them for the newer run to replace.
 */
async function stopped(services: Services, datasetId: string, run: number, log: Logger): Promise<ParseOutcome> {
  const doc = await findDataset(services.store, datasetId);
  const failedHere = doc?.parseRun === run && doc.status === 'failed' && !keepsChunks(doc);
  if (!doc || failedHere) await deleteChunks(services.store, datasetId);
  log.info('parse stopped: the dataset was deleted, failed or re-parsed meanwhile');
  return { outcome: 'skipped', reason: 'the dataset was deleted, failed or re-parsed meanwhile' };
}
