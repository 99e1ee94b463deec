import { z } from 'zod';
import { Pipeline } from '../frame/index.js';
import { Mapping, WriteOperation } from '../mapping/index.js';
import { ValidationReport } from '../validation/index.js';

/**
 * POST /api/v1/validations: a dataset plus either a saved template (name, optional version) or an
 * inline mapping and pipeline. Object and operation default to the template's.
 */
export const ValidationRequest = z.object({
  datasetId: z.string().min(1).max(100),
  connectionId: z.string().min(1).max(100).default('local'),
  object: z.string().min(1).max(80).optional(),
  operation: WriteOperation.optional(),
  externalIdField: z.string().min(1).max(80).optional(),
  templateName: z.string().min(1).max(100).optional(),
  templateVersion: z.coerce.number().int().positive().optional(),
  mapping: Mapping.optional(),
  pipeline: Pipeline.optional(),
}).refine((r) => r.templateName !== undefined || r.mapping !== undefined, {
  message: 'Give either templateName (and optionally templateVersion) or an inline mapping (and pipeline).',
  path: ['mapping'],
});
export type ValidationRequest = z.infer<typeof ValidationRequest>;

/** Why a dry run failed; `i18n` says it by catalogue keys for the report page. */
const ValidationError = z.object({
  code: z.string(), message: z.string(),
  i18n: z.array(z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })).optional(),
});

export const ValidationStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type ValidationStatus = z.infer<typeof ValidationStatus>;

export const ValidationProgress = z.object({
  status: ValidationStatus,
  chunksDone: z.number().int(),
  chunkCount: z.number().int(),
  rowsDone: z.number().int(),
  rowCount: z.number().int(),
  invalid: z.number().int(),
  error: ValidationError.optional(),
});
export type ValidationProgress = z.infer<typeof ValidationProgress>;

/** One dry run, in the `validations` database; the invalid rows are its gzip CSV attachment. */
export const ValidationDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('validation'),
  datasetId: z.string(),
  datasetName: z.string(),
  connectionId: z.string(),
  object: z.string(),
  operation: WriteOperation,
  externalIdField: z.string().optional(),
  template: z.object({ name: z.string(), version: z.number().int() }).optional(),
  mapping: Mapping,
  pipeline: Pipeline,
  /** What today()/now() read in the pipeline: fixed when the run is requested, so retries agree. */
  now: z.string(),
  status: ValidationStatus,
  progress: ValidationProgress.omit({ status: true, error: true }),
  report: ValidationReport.optional(),
  invalidRows: z.object({ written: z.number().int(), truncated: z.boolean(), bytes: z.number().int() }).optional(),
  error: ValidationError.optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type ValidationDoc = z.infer<typeof ValidationDoc>;

export const INVALID_ROWS_ATTACHMENT = 'invalid-rows.csv.gz';

export const validationUrls = (id: string) => ({
  self: `/api/v1/validations/${id}`,
  events: `/api/v1/validations/${id}/events`,
  invalidRows: `/api/v1/validations/${id}/invalid-rows.csv`,
  page: `/validations/${id}`,
});

export function presentValidation(doc: ValidationDoc) {
  const { _id, _rev: _ignored, kind: _kind, ...rest } = doc;
  return { id: _id, ...rest, urls: validationUrls(_id) };
}
