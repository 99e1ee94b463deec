import type { Services } from '../services.js';
import { exportJobId, insertDataset, newDatasetId, type DatasetDoc } from '../datasets/index.js';
import { SalesforceError, describeObject, sessionFor } from '../salesforce/index.js';
import { buildSoql } from './build-soql.js';
import { checkQuery, type CheckedQuery } from './check-query.js';
import type { DescribeLoader } from './field-paths.js';
import { ExportRequest } from './model.js';

/** Describe through the Redis cache; an object the org does not have is undefined (the checks then say so). */
export function describeLoader(services: Services, connectionId: string): DescribeLoader {
  return async (object) => {
    try {
      return await describeObject(services.redis, await sessionFor(services, connectionId), object);
    } catch (error) {
      if (error instanceof SalesforceError && error.status === 404) return undefined;
      throw error;
    }
  };
}

/** The SOQL an export request stands for, checked against the org's describe; nothing runs. */
export async function checkExport(
  services: Services, input: unknown,
): Promise<CheckedQuery & { request: ExportRequest }> {
  const request = ExportRequest.parse(input);
  const describeOf = describeLoader(services, request.connectionId);
  return { ...(await checkQuery(await buildSoql(request, describeOf), describeOf)), request };
}

/** One job per dataset and run: enqueueing the same run twice is harmless. */
export async function enqueueExport(services: Services, doc: DatasetDoc): Promise<void> {
  const payload = { datasetId: doc._id, run: doc.parseRun };
  await services.producer.enqueue('dataset.export', payload, { jobId: exportJobId(doc) });
}

/** Checks an export and starts it: its dataset exists at once (exporting, columns known); a worker fills it. */
export async function createExport(services: Services, input: unknown, requestedBy: string): Promise<DatasetDoc> {
  const { request, soql, object, columns } = await checkExport(services, input);
  const now = new Date().toISOString();
  const name = request.name ?? `${object} ${request.queryAll ? 'Export All' : 'export'} ${now.slice(0, 16)}`;
  const source = {
    kind: 'salesforce-query' as const, connectionId: request.connectionId, object, soql, queryAll: request.queryAll,
    requestedApi: request.api,
  };
  const doc = await insertDataset(services.store, {
    _id: newDatasetId(), kind: 'dataset', name, fileName: `${object}.csv`, sizeBytes: 0, blobId: '', uploadedBy: requestedBy,
    createdAt: now, updatedAt: now, status: 'exporting', source, parseOptions: {}, columns, headerRenames: [],
    rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
  });
  await enqueueExport(services, doc);
  return doc;
}
