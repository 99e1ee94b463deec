import type { Services } from '../services.js';
import { readChunks } from '../datasets/chunk-store.js';
import type { Chunk } from '../datasets/model.js';
import {
  applyPipeline, frameFromRows, parsePipeline, RedisSeenKeys, type Pipeline, type PipelineContext, type SeenKeys, type Value,
} from '../frame/index.js';
import { OrgLookupResolver } from '../lookups/index.js';
import { compileRecordBuilder, type Mapping } from '../mapping/index.js';
import { csvRecordFields, type FlatRecord } from '../salesforce/index.js';
import { classifyRowIssues, type RecordError } from '../validation/index.js';
import type { BatchDoc, MigrationDoc } from './model.js';
import type { Outcomes, RowOutcome } from './outcomes.js';
import type { Preflight } from './preflight.js';

/** A row to send as sObject Collections send it (and as reconciliation compares it): its record. */
export interface PreparedRow { row: number; record: FlatRecord }

/**
 * A row to send as a Bulk upload sends it: its CSV line under the mapping's targets (`mappingTargets`, an empty cell
 * for each value it leaves out) and how many it leaves out. Made while the row is prepared, so its record and cells
 * die young: a batch kept as records until its upload was the worker's largest cost in garbage collection.
 */
export interface UploadLine { row: number; line: string; gaps: number }

export interface Prepared<R> {
  /** Rows to send, in dataset order. */
  rows: R[];
  /** Rows decided before writing: skipped by the pipeline or failed validation (never sent, never retried). */
  decided: Outcomes;
}

/** A batch's prepared rows in the form its writer sends: records (sObject Collections) or upload lines (Bulk API 2.0). */
export type PreparedBatch = ({ form: 'records' } & Prepared<PreparedRow>) | ({ form: 'lines' } & Prepared<UploadLine>);

/** Makes the kept form of a row that passed every check. */
export type RowMaker<R> = (row: number, record: FlatRecord) => R;

export const asRecord: RowMaker<PreparedRow> = (row, record) => ({ row, record });

/**
 * Upload lines under `targets` (the mapping's targets, in mapping order), with their gaps counted in the same pass
 * (a record's values are read by name, a lookup that costs more than the cell itself).
 */
export function asUploadLine(targets: readonly string[]): RowMaker<UploadLine> {
  const gaps = { count: 0 };
  return (row, record) => {
    const line = csvRecordFields(record, targets, gaps);
    return { row, line, gaps: gaps.count };
  };
}

export const seenKeysKey = (migrationId: string) => `dms:migration:${migrationId}:seen`;
/** The run's lookup answers, shared by its batches (a retried batch finds the same parents). */
export const lookupsKey = (migrationId: string) => `dms:migration:${migrationId}:lookups`;

function cell(value: Value, type: string | undefined): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (typeof value === 'string' && value === '') return undefined;
  return value;
}

/** The record as sent: cells converted, empty ones left out (`keys`: the record's keys, `types`: their describe types). */
function converted(values: Record<string, Value>, keys: readonly string[], types: readonly (string | undefined)[]): FlatRecord {
  const record: FlatRecord = {};
  for (let k = 0; k < keys.length; k++) {
    const v = cell(values[keys[k]], types[k]);
    if (v !== undefined) record[keys[k]] = v;
  }
  return record;
}

/** The built values themselves when every cell goes as it is (most rows: no copy made), else their converted copy. */
function sendable(values: Record<string, Value>, keys: readonly string[], types: readonly (string | undefined)[]): FlatRecord {
  for (let k = 0; k < keys.length; k++) {
    const value = values[keys[k]];
    if (value === undefined || cell(value, types[k]) !== value) return converted(values, keys, types);
  }
  return values as FlatRecord;
}

/** A row refused before sending: the first error's code, every message and field (the validation report's verdict). */
const refused = (errors: RecordError[]): RowOutcome => {
  const outcome: RowOutcome = {
    status: 'fail',
    code: errors[0].statusCode,
    message: errors.map((e) => e.message).join('; '),
    fields: errors.flatMap((e) => e.fields),
  };
  // Keys only when every sentence has one: a page then says them all in the reader's language, else the English.
  const keyed = errors.flatMap((e) => (e.i18n ? [e.i18n] : []));
  return keyed.length === errors.length ? { ...outcome, i18n: keyed } : outcome;
};

/** What preparing a chunk's rows needs besides the rows: the run's pipeline and its context, the mapping, the check. */
export interface PrepareContext {
  pipeline: Pipeline;
  pipelineContext: PipelineContext;
  mapping: Mapping;
  preflight: Preflight;
}

/**
 * One chunk's rows of the batch (`fromRow`..`toRow`) through the pipeline, the mapping and the check: each row goes
 * to `into.rows` (to send, in the form `make` gives) or `into.decided` (skipped or failed). Needs no service: the
 * bench drives it alone.
 */
export async function prepareChunk<R>(
  chunk: Chunk, batch: Pick<BatchDoc, 'fromRow' | 'toRow'>, ctx: PrepareContext, into: Prepared<R>, make: RowMaker<R>,
): Promise<void> {
  const { mapping, preflight } = ctx;
  const from = Math.max(batch.fromRow - chunk.firstRow, 0);
  const to = Math.min(batch.toRow - chunk.firstRow + 1, chunk.rows.length);
  if (to <= from) return;
  const frame = frameFromRows(chunk.columns, chunk.rows.slice(from, to) as Value[][], chunk.firstRow + from);
  const result = await applyPipeline(frame, ctx.pipeline, ctx.pipelineContext);
  for (const { row, reason, i18n } of result.skipped) {
    into.decided.set(row, { status: 'skip', code: 'SKIPPED', message: reason, ...(i18n ? { i18n: [i18n] } : {}) });
  }
  // The same rule as the validation job: a pipeline issue on a mapped column fails the row, unsent.
  const { failures } = classifyRowIssues(result.rowIssues, mapping);
  const build = compileRecordBuilder(mapping, result.frame.columns);
  const { keys } = build;
  const types = keys.map((key) => preflight.fieldType(key));
  result.frame.rows.forEach((row, r) => {
    const values = build(result.frame, r);
    const errors = failures.get(row) ?? preflight.check(values);
    if (errors.length > 0) {
      into.decided.set(row, refused(errors));
      return;
    }
    into.rows.push(make(row, sendable(values, keys, types)));
  });
}

/**
 * Reads only this batch's rows, runs the pipeline (dedupe keys shared through Redis, `now` fixed
 * per run so a re-run batch produces the same records) and the mapping, and checks every record.
 * Reconciliation passes its own `seenKeys` to rebuild the records a finished run sent.
 */
export async function prepareBatch<R>(
  services: Services, migration: MigrationDoc, batch: BatchDoc, preflight: Preflight, make: RowMaker<R>,
  seenKeys: SeenKeys = new RedisSeenKeys(services.redis, seenKeysKey(migration._id)),
): Promise<Prepared<R>> {
  const now = new Date(migration.startedAt ?? migration.createdAt);
  const lookups = new OrgLookupResolver(services, migration.connectionId, { key: lookupsKey(migration._id), ttlSeconds: 7 * 24 * 3600 });
  const ctx: PrepareContext = {
    pipeline: parsePipeline(migration.template.pipeline),
    pipelineContext: { seenKeys, now, lookups },
    mapping: migration.template.mapping,
    preflight,
  };
  const prepared: Prepared<R> = { rows: [], decided: new Map() };
  for await (const chunk of readChunks(services.store, migration.datasetId, batch.chunks)) await prepareChunk(chunk, batch, ctx, prepared, make);
  return prepared;
}
