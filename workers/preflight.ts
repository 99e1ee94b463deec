import { runValidation } from '../src/preflight/index.js';
import type { Processor } from './registry.js';

/** The dry run of a validation: report and invalid-rows CSV in CouchDB, progress on Redis; nothing sent to Salesforce. */
export const validate: Processor<'validation.run'> = async (payload, { job, services }) => {
  const doc = await runValidation(services, payload.validationId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  return { status: doc.status, invalid: doc.report?.invalid ?? 0 };
};
