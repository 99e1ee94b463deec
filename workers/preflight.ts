import { runValidation } from '../src/preflight/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';

/** The dry run of a validation: report and invalid-rows CSV in CouchDB, progress on Redis; nothing sent to Salesforce. */
export const validate: Processor<'validation.run'> = async (payload, { job, services }) => {
  const doc = await runValidation(services, payload.validationId, isLastAttempt(job));
  return { status: doc.status, invalid: doc.report?.invalid ?? 0 };
};
