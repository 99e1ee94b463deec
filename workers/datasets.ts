import { parseDataset } from '../src/datasets/index.js';
import { runExport } from '../src/exports/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';
import { countParse } from './metrics.js';

/** Parses an uploaded file into row chunks and a profile; the outcome is also on the dataset document. */
export const parse: Processor<'dataset.parse'> = async (payload, { job, services }) => {
  const outcome = await parseDataset(services, payload.datasetId, payload.run, isLastAttempt(job));
  if (outcome.outcome === 'ready') await countParse(services, payload.datasetId);
  return outcome;
};

/** Exports a Salesforce query into a dataset's chunks and profile; the outcome is also on the dataset document. */
export const exportQuery: Processor<'dataset.export'> = async (payload, { job, services }) =>
  runExport(services, payload.datasetId, payload.run, isLastAttempt(job));
