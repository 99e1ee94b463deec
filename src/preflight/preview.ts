import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { getDataset, readChunk } from '../datasets/index.js';
import { InMemorySeenKeys, previewPipeline, type Value } from '../frame/index.js';
import { OrgLookupResolver } from '../lookups/index.js';
import { Mapping, requiredFieldsUnmapped, WriteOperation, type UnmappedRequirement } from '../mapping/index.js';
import { classifyRowIssues, DuplicateTracker, validateFrame, type RecordError } from '../validation/index.js';
import type { RowMessage } from '../row-messages/index.js';
import { assertMappingFits, canonicalMapping, uniqueFields, validateOptions } from './checks.js';
import { describeContext } from './describe.js';

/** POST /api/v1/preview. With a mapping (and its connection and object) every cell is also checked against describe. */
export const PreviewRequest = z.object({
  datasetId: z.string().min(1).max(100),
  pipeline: z.unknown().default([]),
  mapping: Mapping.optional(),
  object: z.string().min(1).max(80).optional(),
  /** The org describe and lookup steps ask; without it (and without a mapping) lookups only remark. Default: the Local org. */
  connectionId: z.string().min(1).max(100).optional(),
  operation: WriteOperation.default('insert'),
  externalIdField: z.string().min(1).max(80).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type PreviewRequest = z.input<typeof PreviewRequest>;

/** A marked cell: `column` is null when the error names no mapped column (e.g. a required field left unmapped). */
export interface InvalidCell {
  row: number; column: string | null; field: string | null; code: string; message: string;
  /** DMS's own message by catalogue key (none for a message in Salesforce's words without one). */
  i18n?: RowMessage;
}

/** A pipeline issue that fails no row: its column is not mapped, or its step said onInvalid 'null'. */
export interface RemarkCell { row: number; column: string; code: string; message: string; i18n?: RowMessage }

export interface Preview {
  columns: string[];
  rows: { row: number; values: Value[] }[];
  invalid: InvalidCell[];
  remarks: RemarkCell[];
  skipped: number;
  unmappedRequired: UnmappedRequirement[];
  elapsedMs: number;
}

/** Source rows the preview runs through the pipeline: enough for a filter to leave 100, all from the first chunk. */
const SAMPLE_ROWS = 1000;
const SAMPLE_TTL_MS = 60_000;
const samples = new Map<string, { at: number; columns: string[]; rows: Value[][]; firstRow: number }>();

/** The first chunk's head, kept in memory a minute per parse run: a person edits a step every few seconds. */
export async function previewSample(services: Services, datasetId: string) {
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

/** The field a column feeds (the first, when it feeds several). */
function fieldOf(mapping: Mapping, column: string): string | null {
  return [...mapping.fields, ...mapping.relationships].find((e) => e.column === column)?.field ?? null;
}

/** Which columns feed a field: the cells to mark for an error naming it. */
function columnsOf(mapping: Mapping, field: string): string[] {
  return [...mapping.fields, ...mapping.relationships].filter((e) => e.field === field).map((e) => e.column);
}

function cellsOf(row: number, error: RecordError, mapping: Mapping): InvalidCell[] {
  const base = { row, code: error.statusCode, message: error.message, ...(error.i18n ? { i18n: error.i18n } : {}) };
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
  const sample = await previewSample(services, request.datasetId);
  const connectionId = request.connectionId ?? 'local';
  // A preview knows its org once the person chose a connection (or a mapping, which implies one).
  const known = request.connectionId !== undefined || request.mapping !== undefined;
  const lookups = known ? new OrgLookupResolver(services, connectionId) : undefined;
  const result = await previewPipeline(sample.columns, sample.rows, request.pipeline, { lookups });
  const shown = result.frame.rows.slice(0, request.limit);
  const frame = { columns: result.frame.columns, rows: shown, data: result.frame.data.map((column) => column.slice(0, shown.length)) };
  const visible = new Set(shown);
  const rowIssues = result.rowIssues.filter((issue) => visible.has(issue.row));
  // The run's rule: without a mapping no column is mapped yet, so every issue is a remark.
  const mapping = request.mapping;
  const { failures, remarks } = classifyRowIssues(rowIssues, mapping ?? { fields: [], relationships: [] });
  const remarked = new Set(remarks);
  const invalid: InvalidCell[] = rowIssues.filter((issue) => !remarked.has(issue)).map(({ row, column, code, message, i18n }) => ({
    row, column, field: mapping ? fieldOf(mapping, column) : null, code, message, ...(i18n ? { i18n } : {}),
  }));
  let unmappedRequired: UnmappedRequirement[] = [];
  if (mapping) {
    const { operation, externalIdField } = request;
    const target = { object: request.object ?? mapping.object, operation, externalIdField };
    const ctx = await describeContext(services, connectionId, target.object, mapping);
    const canonical = canonicalMapping(mapping, ctx.describe);
    assertMappingFits(canonical, ctx.describe, target);
    unmappedRequired = requiredFieldsUnmapped(canonical, ctx.describe, target.operation, target.externalIdField);
    const duplicates = uniqueFields(canonical, ctx.describe, target).map((f) => new DuplicateTracker(f, new InMemorySeenKeys()));
    const { errors, also } = await validateFrame(frame, {
      mapping: canonical, describe: ctx.describe, operation, rowIssues, options: validateOptions(ctx, target), duplicates,
    });
    // Rows a pipeline issue fails are marked on that cell above; their errors say the same. Every other problem
    // of an invalid row is marked too, so one pass over the file fixes them all.
    errors.forEach((list, r) => {
      const mine = failures.has(shown[r]) ? also[r] : [...list, ...also[r]];
      mine.forEach((error) => invalid.push(...cellsOf(shown[r], error, canonical)));
    });
  }
  const rows = shown.map((row, r) => ({ row, values: frame.data.map((column) => column[r]) }));
  return {
    columns: frame.columns, rows, invalid,
    remarks: remarks.map(({ row, column, code, message, i18n }) => ({ row, column, code, message, ...(i18n ? { i18n } : {}) })),
    skipped: result.skipped.length, unmappedRequired, elapsedMs: Math.round(performance.now() - started),
  };
}
