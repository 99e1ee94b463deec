import type { Store } from '../store/index.js';
import { isMissing, withRetry, writeOnConflict, sortableId } from '../store/index.js';
import { notFound } from '../errors.js';
import { INVALID_ROWS_ATTACHMENT, ValidationDoc } from './model.js';

const db = (store: Store) => store.db<ValidationDoc>('validations');

/** Safe in URLs, CouchDB ids, Redis keys and BullMQ job ids (no colon). */
export const newValidationId = (): string => sortableId('val', 6);

export async function insertValidation(store: Store, doc: ValidationDoc): Promise<ValidationDoc> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).insert(doc));
  return { ...doc, _rev: result.rev };
}

export async function getValidation(store: Store, id: string): Promise<ValidationDoc> {
  await store.client.authorize();
  try {
    const { _attachments: _ignored, ...doc } = (await withRetry(() => db(store).get(id))) as ValidationDoc & { _attachments?: unknown };
    return ValidationDoc.parse(doc);
  } catch (error) {
    if (isMissing(error)) throw notFound(`Validation ${id}`);
    throw error;
  }
}

/** Read, change, write; again on a conflict. Keeps the attachment stub so the CSV survives later updates. */
export async function updateValidation(store: Store, id: string, change: (doc: ValidationDoc) => ValidationDoc): Promise<ValidationDoc> {
  let attachments: unknown;
  return writeOnConflict(async () => {
    await store.client.authorize();
    const raw = (await withRetry(() => db(store).get(id))) as ValidationDoc & { _attachments?: unknown };
    attachments = raw._attachments;
    return { ...change(ValidationDoc.parse(raw)), _id: id, _rev: raw._rev, updatedAt: new Date().toISOString() };
  }, (next) => db(store).insert({ ...next, ...(attachments ? { _attachments: attachments } : {}) } as ValidationDoc));
}

/** Stores the gzip CSV of invalid rows (a Buffer upload, under the 10 MB attachment limit). */
export async function attachInvalidRows(store: Store, doc: ValidationDoc, gzip: Buffer): Promise<string> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).attachment.insert(doc._id, INVALID_ROWS_ATTACHMENT, gzip, 'application/gzip', { rev: doc._rev }));
  return result.rev;
}

/** The gzip CSV, or undefined when the run wrote none (still running, or failed). */
export async function readInvalidRows(store: Store, id: string): Promise<Buffer | undefined> {
  await store.client.authorize();
  try {
    return await withRetry(() => db(store).attachment.get(id, INVALID_ROWS_ATTACHMENT));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The newest validations of a dataset, for its pages. */
export async function listValidations(store: Store, datasetId: string, limit = 20): Promise<ValidationDoc[]> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).find({
    selector: { datasetId: { $eq: datasetId }, createdAt: { $gt: '' } },
    sort: [{ datasetId: 'desc' }, { createdAt: 'desc' }],
    use_index: 'by-dataset-created',
    fields: ['_id', 'kind', 'datasetId', 'datasetName', 'connectionId', 'object', 'operation', 'mapping', 'pipeline', 'now', 'status', 'progress', 'createdBy', 'createdAt', 'updatedAt', 'template', 'externalIdField'],
    limit,
  }));
  return result.docs.map((d) => ValidationDoc.parse(d));
}
