import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import type { DatasetDoc } from './model.js';
import { getDataset, updateDataset } from './dataset-store.js';
import type { ParseOptions } from './parse-options.js';

/** One job per dataset and run: enqueueing the same run twice is harmless. */
/** An export's job for its run (exports run on the datasets queue too; src/exports enqueues them). */
export const exportJobId = (doc: Pick<DatasetDoc, '_id' | 'parseRun'>): string => `${doc._id}-export-${doc.parseRun}`;
export const parseJobId = (doc: Pick<DatasetDoc, '_id' | 'parseRun'>): string => `${doc._id}-parse-${doc.parseRun}`;

export async function enqueueParse(services: Services, doc: DatasetDoc): Promise<void> {
  const payload = { datasetId: doc._id, run: doc.parseRun };
  await services.producer.enqueue('dataset.parse', payload, { jobId: parseJobId(doc) });
}

/** Parses the kept raw file again with new options, as a new run (an older run still going stops itself). */
export async function reparseDataset(services: Services, id: string, parseOptions: ParseOptions): Promise<DatasetDoc> {
  const current = await getDataset(services.store, id);
  if (current.source) {
    throw new AppError('DATASET_IS_EXPORT', 409, `Dataset ${current.name} is an export from Salesforce: there is no file to parse. Export it again instead.`);
  }
  if (current.status === 'uploading') throw new AppError('DATASET_UPLOADING', 409, 'The file is still being uploaded; re-parse it once the upload has finished.');
  if (current.error?.code === 'UPLOAD_INCOMPLETE') throw new AppError('DATASET_INCOMPLETE', 409, 'The upload of this dataset was cut off, so there is no file to parse. Delete it and upload the file again.');
  const doc = await updateDataset(services.store, id, (d) => ({ ...d, status: 'uploaded', error: undefined, parseOptions, parseRun: d.parseRun + 1 }));
  if (!doc) throw new AppError('NOT_FOUND', 404, `Dataset ${id} was not found.`);
  await enqueueParse(services, doc);
  return doc;
}
