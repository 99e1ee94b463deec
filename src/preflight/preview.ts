import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { getDataset, readChunk } from '../datasets/index.js';
import { InMemorySeenKeys, previewPipeline, type Value } from '../frame/index.js';
import { Mapping, requiredFieldsUnmapped, WriteOperation, type UnmappedRequirement } from '../mapping/index.js';
import { DuplicateTracker, validateFrame, type RecordError } from '../validation/index.js';
import { assertMappingFits, canonicalMapping, uniqueFields, validateOptions } from './checks.js';
import { describeContext } from './describe.js';

/** POST /api/v1/preview. With a mapping (and its connection and object) every cell is also checked against describe. */
export const PreviewRequest = z.object({
  datasetId: z.string().min(1).max(100),
  pipeline: z.unknown().default([]),
  mapping: Mapping.optional(),
  object: z.string().min(1).max(80).optional(),
  connectionId: z.string().min(1).max(100).default('local'),
  operation: WriteOperation.default('insert'),
  externalIdField: z.string().min(1).max(80).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type PreviewRequest = z.input<typeof PreviewRequest>;

/** A marked cell: `column` is null when the error names no mapped column (e.g. a required field left unmapped). */
export interface InvalidCell { row: number; column: string | null; field: string | null; code: string; message: string }

export interface Preview {
  columns: string[];
  rows: { row: number; values: Value[] }[];
  invalid: InvalidCell[];
  skipped: number;
  unmappedRequired: UnmappedRequirement[];
  elapsedMs: number;
}

/** Source rows the preview runs through the pipeline: enough for a filter to leave 100, all from the first chunk. */
const SAMPLE_ROWS = 1000;
const SAMPLE_TTL_MS = 60_000;
const samples = new Map<string, { at: number; columns: string[]; rows: Value[][]; firstRow: number }>();

/** The first chunk's head, kept in memory a minute per parse run: a person edits a step every few seconds. */
async function sampleOf(services: Services, datasetId: string) {
  const dataset = await getDataset(services.store, datasetId);
  if (dataset.status !== 'ready' || dataset.chunkCount === 0) {
    throw new AppError('DATASET_NOT_READY', 409, `Dataset ${dataset.name} is ${dataset.status} with ${dataset.rowCount} rows: nothing to preview yet.`);
  }
  const key = `${datasetId}:${dataset.parseRun}:${dataset.chunkCount}`;
  const cached = samples.get(key);
  if (cached && Date.now() - cached.at < SAMPLE_TTL_MS) return cached;
  const chunk = await readChunk(services.store, datasetId, 0);
  const sample = { at: Date.now(), columns: chunk.columns, rows: chunk.rows.slice(0, SAMPLE_ROWS), firstRow: chunk.firstRow };
  samples.delete(key);
  samples.set(key, sample);
  if (samples.size > 20) samples.delete(samples.keys().next().value as string);
  return sample;
}

/** Which columns feed a field: the cells to mark for an error naming it. */
function columnsOf(mapping: Mapping, field: string): string[] {
  return [...mapping.fields, ...mapping.relationships].filter((e) => e.field === field).map((e) => e.column);
}

function cellsOf(row: number, error: RecordError, mapping: Mapping): InvalidCell[] {
  const base = { row, code: error.statusCode, message: error.message };
  if (error.fields.length === 0) return [{ ...base, column: null, field: null }];
  return error.fields.flatMap((field): InvalidCell[] => {
    const columns = columnsOf(mapping, field);
    return columns.length > 0 ? columns.map((column) => ({ ...base, column, field })) : [{ ...base, column: null, field }];
  });
}

/** The first rows after the pipeline, each bad value (pipeline issue or Salesforce rule) marked; reads only the first chunk. */
export async function previewRows(services: Services, body: unknown): Promise<Preview> {
  const started = performance.now();
  const request = PreviewRequest.parse(body);
  const sample = await sampleOf(services, request.datasetId);
  const result = await previewPipeline(sample.columns, sample.rows, request.pipeline);
  const shown = result.frame.rows.slice(0, request.limit);
  const frame = { columns: result.frame.columns, rows: shown, data: result.frame.data.map((column) => column.slice(0, shown.length)) };
  const visible = new Set(shown);
  const invalid: InvalidCell[] = result.rowIssues
    .filter((issue) => visible.has(issue.row))
    .map((issue) => ({ row: issue.row, column: issue.column, field: null, code: issue.code, message: issue.message }));
  let unmappedRequired: UnmappedRequirement[] = [];
  if (request.mapping) {
    const target = { object: request.object ?? request.mapping.object, operation: request.operation, externalIdField: request.externalIdField };
    const ctx = await describeContext(services, request.connectionId, target.object, request.mapping);
    const mapping = canonicalMapping(request.mapping, ctx.describe);
    assertMappingFits(mapping, ctx.describe, target);
    unmappedRequired = requiredFieldsUnmapped(mapping, ctx.describe, target.operation, target.externalIdField);
    const duplicates = uniqueFields(mapping, ctx.describe, target).map((f) => new DuplicateTracker(f, new InMemorySeenKeys()));
    const { errors } = await validateFrame(frame, { mapping, describe: ctx.describe, operation: target.operation, options: validateOptions(ctx, target), duplicates });
    errors.forEach((list, r) => list.forEach((error) => invalid.push(...cellsOf(shown[r], error, mapping))));
  }
  const rows = shown.map((row, r) => ({ row, values: frame.data.map((column) => column[r]) }));
  return { columns: frame.columns, rows, invalid, skipped: result.skipped.length, unmappedRequired, elapsedMs: Math.round(performance.now() - started) };
}
