import { Readable } from 'node:stream';
import type { Services } from '../services.js';
import { followBlob, type BlobManifest } from '../blobs/index.js';
import { isAppError } from '../errors.js';
import { logger } from '../logger.js';
import { DatasetProfiler } from './profile/index.js';
import { DATASET_FORMATS, readDataset } from './readers/index.js';
import { deleteChunks } from './chunk-store.js';
import { CHUNK_ROWS, ChunkSink } from './chunk-sink.js';
import { findDataset, updateDataset } from './dataset-store.js';
import type { DatasetDoc } from './model.js';
import { readerOptionsFor } from './parse-options.js';
import { publishProgress, type ParseProgress } from './progress.js';

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

/**
 * Parses a dataset's raw file into chunks and a profile. Safe to run again for the same run
 * (chunk writes replace, extra chunks are deleted); a run superseded by a re-parse, or a dataset
 * deleted meanwhile, stops at its next progress check.
 */
export async function parseDataset(services: Services, datasetId: string, run: number, lastAttempt: boolean): Promise<ParseOutcome> {
  const { store, redis } = services;
  const log = logger('datasets', { datasetId, run });
  // An upload cut off while this run followed it leaves the dataset failed by the web: not ours to touch.
  const mine = (doc: DatasetDoc) => doc.parseRun === run && !uploadCutOff(doc);
  const started = await updateDataset(store, datasetId, (doc) =>
    mine(doc) ? { ...doc, status: 'parsing', error: undefined, progress: { bytesRead: 0, rowsRead: 0 } } : undefined,
  );
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
  let lastDocUpdate = Date.now();
  try {
    const format = DATASET_FORMATS.find((f) => f === started.format);
    const options = { ...readerOptionsFor(started.parseOptions), format, batchSize: READ_BATCH_ROWS };
    for await (const batch of readDataset(source, options)) {
      profiler.add(batch);
      if ((await sink.add(batch)) === 0) continue;
      void publish(progress('parsing', sink));
      if (Date.now() - lastDocUpdate < DOC_UPDATE_EVERY_MS) continue;
      lastDocUpdate = Date.now();
      const still = await updateDataset(store, datasetId, (doc) => (mine(doc) ? { ...doc, progress: { bytesRead, rowsRead: sink.rowCount } } : undefined));
      if (!still) throw new Stopped();
      sizeBytes = still.sizeBytes;
    }
    await sink.end();
    await deleteChunks(store, datasetId, sink.chunkCount);
  } catch (error) {
    await sink.end().catch(() => undefined);
    if (error instanceof Stopped) return stopped(services, datasetId, log);
    if (!isFileProblem(error) && !lastAttempt) throw error;
    const failure = isFileProblem(error) && isAppError(error)
      ? { code: error.code, message: error.message }
      : { code: 'PARSE_FAILED', message: 'The file could not be parsed because of a problem on our side (it was logged). Re-parse it, or contact an administrator.' };
    if (!isFileProblem(error)) log.error({ err: error }, 'parse failed');
    await deleteChunks(store, datasetId);
    const failed = await updateDataset(store, datasetId, (doc) =>
      mine(doc) ? { ...doc, status: 'failed', error: failure, columns: [], headerRenames: [], rowCount: 0, chunkCount: 0, issueCount: 0, profile: [] } : undefined,
    );
    if (failed) await publish(progress('failed', sink, failure));
    if (!isFileProblem(error)) throw error;
    return { outcome: 'failed', code: failure.code };
  }

  const ready = await updateDataset(store, datasetId, (doc) =>
    mine(doc)
      ? {
          ...doc, status: 'ready', error: undefined, sizeBytes: file?.size ?? doc.sizeBytes, sha256: file?.sha256 ?? doc.sha256, columns: sink.columns, headerRenames: sink.headerRenames, rowCount: sink.rowCount,
          chunkCount: sink.chunkCount, issueCount: sink.issueCount, profile: profiler.result(), progress: { bytesRead, rowsRead: sink.rowCount },
        }
      : undefined,
  );
  if (!ready) return stopped(services, datasetId, log);
  await publish(progress('ready', sink));
  log.info({ rows: sink.rowCount, chunks: sink.chunkCount, issues: sink.issueCount }, 'dataset ready');
  return { outcome: 'ready', rowCount: sink.rowCount, chunkCount: sink.chunkCount };
}

const uploadCutOff = (doc: DatasetDoc): boolean => doc.status === 'failed' && doc.error?.code === 'UPLOAD_INCOMPLETE';

/** A deleted or cut-off dataset loses the chunks this run wrote; a re-parsed one keeps them for the newer run to replace. */
async function stopped(services: Services, datasetId: string, log: ReturnType<typeof logger>): Promise<ParseOutcome> {
  const doc = await findDataset(services.store, datasetId);
  if (!doc || uploadCutOff(doc)) await deleteChunks(services.store, datasetId);
  log.info('parse stopped: the dataset was deleted or re-parsed meanwhile');
  return { outcome: 'skipped', reason: 'the dataset was deleted or re-parsed meanwhile' };
}
