import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Services } from '../services.js';
import { AppError, badRequest, isAppError } from '../errors.js';
import { BlobWriter, PART_BYTES, deleteBlob } from '../blobs/index.js';
import { logger } from '../logger.js';
import type { DatasetDoc } from './model.js';
import { deleteDataset, insertDataset, newDatasetId, updateDataset } from './dataset-store.js';
import { FormatCheck } from './format-check.js';
import { PARSE_OPTION_FIELDS, ParseOptions, parseOptionsFrom } from './parse-options.js';
import { enqueueParse } from './parse-job.js';
import { formatBytes } from './bytes.js';

/** Room for multipart boundaries and the small fields around the file. */
const MULTIPART_SLACK = 1024 * 1024;
const FIELDS = new Set<string>(['name', ...PARSE_OPTION_FIELDS]);
/** Sent by the upload form; checked by the CSRF middleware, not here. */
const IGNORED_FIELDS = new Set<string>(['_csrf']);

export const tooLarge = (max: number): AppError =>
  new AppError('UPLOAD_TOO_LARGE', 413, `The file is larger than the upload limit of ${formatBytes(max)}. Split it, or ask an operator to raise UPLOAD_MAX_BYTES.`);

const optionFields = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([key]) => key !== 'name'));

/** Whether the refusal should leave a failed dataset to explain itself (the client is gone) or vanish (the client was told). */
const clientWasTold = (error: unknown): boolean => isAppError(error) && error.status < 500 && error.code !== 'UPLOAD_INCOMPLETE';

/**
 * Streams one multipart upload into a blob (busboy -> format check -> BlobWriter), then records the
 * dataset as uploaded and enqueues its parse. Nothing is held whole in memory. A refused upload leaves
 * nothing behind; an upload cut off mid-way leaves a failed dataset without its partial file.
 */
export async function receiveUpload(services: Services, req: IncomingMessage, uploadedBy: string): Promise<DatasetDoc> {
  const max = services.config.uploadMaxBytes;
  if (Number(req.headers['content-length']) > max + MULTIPART_SLACK) throw tooLarge(max);
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: max, files: 1, fields: 20, fieldSize: 8 * 1024 } });
  } catch {
    throw new AppError('NOT_MULTIPART', 400, 'Send the file as multipart/form-data with a "file" part (fields name and parse options before it).');
  }
  const fields: Record<string, string> = {};
  let received: Promise<DatasetDoc> | undefined;
  let refusal: AppError | undefined;

  const done = new Promise<void>((resolve, reject) => {
    const refuse = (error: AppError) => {
      refusal ??= error;
      reject(refusal);
    };
    parser.on('field', (name, value, info) => {
      if (IGNORED_FIELDS.has(name)) return;
      if (!FIELDS.has(name)) return refuse(badRequest(`Unknown field "${name}": expected ${[...FIELDS].join(', ')} and the file.`));
      if (info.valueTruncated) return refuse(badRequest(`Field "${name}" is too long.`));
      fields[name] = value;
      const checked = ParseOptions.safeParse(optionFields(fields));
      if (!checked.success) {
        const issue = checked.error.issues[0];
        refuse(new AppError('VALIDATION_FAILED', 400, `Option ${issue?.path.join('.')}: ${issue?.message}.`));
      }
    });
    parser.on('file', (_name, stream, info) => {
      if (received || refusal) {
        stream.resume();
        return;
      }
      received = storeFile(services, stream, info.filename || 'upload', fields, uploadedBy, max);
      received.catch((error: unknown) => refuse(isAppError(error) ? error : new AppError('UPLOAD_FAILED', 500, 'The file could not be stored.', { cause: error })));
    });
    parser.on('filesLimit', () => refuse(badRequest('Send one file per upload.')));
    parser.on('error', (error) => refuse(new AppError('UPLOAD_INCOMPLETE', 400, `The upload was cut off before the end: ${(error as Error).message}.`)));
    parser.on('close', resolve);
  });
  req.on('close', () => {
    if (!req.complete) parser.destroy(new Error('the client closed the connection'));
  });
  req.pipe(parser);
  try {
    await done;
  } catch (error) {
    req.unpipe(parser);
    // A file still arriving is abandoned with the same answer; wait for its cleanup.
    parser.destroy(error as Error);
    await received?.catch(() => undefined);
    throw error;
  }
  if (!received) throw badRequest('The upload has no file part: send the file in a multipart field (any name) after the options.');
  return received;
}

async function storeFile(services: Services, stream: Readable, fileName: string, fields: Record<string, string>, uploadedBy: string, max: number): Promise<DatasetDoc> {
  const { store } = services;
  const id = newDatasetId();
  const blobId = `raw-${id}`;
  const now = new Date().toISOString();
  const check = new FormatCheck(fileName, fields.encoding);
  const name = (fields.name ?? '').trim() || fileName;
  // The parse starts once the first part is stored and follows the file while it arrives.
  const writer = new BlobWriter(store, blobId, undefined, PART_BYTES, () => startParse(services, id, name, fields, check));
  stream.on('limit', () => stream.destroy(tooLarge(max)));
  await insertDataset(store, {
    _id: id, kind: 'dataset', name, fileName, sizeBytes: 0, blobId, uploadedBy,
    createdAt: now, updatedAt: now, status: 'uploading', parseOptions: {}, columns: [], headerRenames: [],
    rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
  });
  try {
    await pipeline(stream, check, writer);
  } catch (cause) {
    const error = isAppError(cause) ? cause : new AppError('UPLOAD_INCOMPLETE', 400, `The upload was cut off before the end (${(cause as Error).message}); nothing was kept. Upload the file again.`);
    await abandon(services, id, blobId, writer, error);
    throw error;
  }
  const summary = writer.summary;
  if (!summary) throw new Error('upload pipeline ended without a summary');
  // The parse may be running (or even done) already: only an upload not yet picked up becomes `uploaded`.
  const doc = await updateDataset(store, id, (current) => ({
    ...current,
    status: current.status === 'uploading' ? 'uploaded' : current.status,
    sizeBytes: summary.size,
    sha256: summary.sha256,
  }));
  if (!doc) throw new AppError('DATASET_DELETED', 409, 'The dataset was deleted while its file was being received.');
  logger('datasets', { datasetId: id }).info({ size: summary.size, format: doc.format }, 'upload received');
  return doc;
}

/** Records what the first bytes and the fields decided (format, options, notices) and enqueues the parse. */
async function startParse(services: Services, id: string, name: string, fields: Record<string, string>, check: FormatCheck): Promise<void> {
  const verdict = check.verdict;
  if (!verdict) throw new Error('a part was stored before the format was judged');
  const parseOptions = parseOptionsFrom(optionFields(fields));
  const doc = await updateDataset(services.store, id, (current) => ({
    ...current, name, format: verdict.format, parseOptions, notices: verdict.notice ? [verdict.notice] : [],
  }));
  if (!doc) throw new AppError('DATASET_DELETED', 409, 'The dataset was deleted while its file was being received.');
  await enqueueParse(services, doc);
}

async function abandon(services: Services, id: string, blobId: string, writer: BlobWriter, error: AppError): Promise<void> {
  const log = logger('datasets', { datasetId: id });
  try {
    await writer.settled();
    if (clientWasTold(error)) {
      await deleteDataset(services.store, { _id: id, blobId });
    } else {
      // Failed first: a parse following the file then stops without touching the dataset.
      await updateDataset(services.store, id, (doc) => ({ ...doc, status: 'failed', error: { code: error.code, message: error.message } }));
      await deleteBlob(services.store, blobId);
    }
    log.info({ code: error.code }, 'upload abandoned');
  } catch (cleanupError) {
    log.error({ err: cleanupError }, 'could not clean up an abandoned upload');
  }
}
