import type { Services } from '../services.js';
import { readChunks } from '../datasets/chunk-store.js';
import type { Chunk } from '../datasets/model.js';
import {
  applyPipeline, frameFromRows, parsePipeline, RedisSeenKeys, type Pipeline, type PipelineContext, type SeenKeys, type Value,
} from '../frame/index.js';
import { OrgLookupResolver } from '../lookups/index.js';
import { compileRecordBuilder, type Mapping } from '../mapping/index.js';
import { csvFields, type FlatRecord } from '../salesforce/index.js';
import { classifyRowIssues, type RecordError } from '../validation/index.js';
import type { BatchDoc, MigrationDoc } from './model.js';
import type { Outcomes, RowOutcome } from './outcomes.js';
import type { Preflight } from './preflight.js';

/** A row to send as sObject Collections send it (and as reconciliation compares it): its record. */
export interface PreparedRow { row: number; record: FlatRecord }

/** A value as sent: converted (a date as ISO text), undefined for a value left out (null, empty text, an invalid date). */
export type SentValue = string | number | boolean | undefined;

/**
 * A row to send as a Bulk upload sends it: its CSV line under the mapping's targets (`mappingTargets`, an empty cell
 * for each value it leaves out) and how many it leaves out. Made while the row is prepared, so its cells die young: a
 * batch kept as records until its upload was the worker's largest cost in garbage collection.
 */
export interface UploadLine { row: number; line: string; gaps: number }

/**
 * Where a batch's rows that passed every check go, in dataset order, kept in the form their writer sends: records
 * (sObject Collections), or upload lines (Bulk API 2.0).
 */
export interface RowSink<T> {
  /** A row's values as sent, in `keys` order (the mapping's targets). */
  add(row: number, values: readonly SentValue[], keys: readonly string[]): void;
  done(): T;
}

export interface Prepared<T> {
  /** Rows to send, in dataset order. */
  rows: T;
  /** Rows decided before writing: skipped by the pipeline or failed validation (never sent, never retried). */
  decided: Outcomes;
}

/** A batch's prepared rows in the form its writer sends: records (sObject Collections) or upload lines (Bulk API 2.0). */
export type PreparedBatch = ({ form: 'records' } & Prepared<PreparedRow[]>) | ({ form: 'lines' } & Prepared<UploadLine[]>);

/** Rows kept as their records (the values left out are not keys). */
export function recordRows(): RowSink<PreparedRow[]> {
  const rows: PreparedRow[] = [];
  return {
    add(row, values, keys) {
      const record: FlatRecord = {};
      for (let k = 0; k < keys.length; k++) {
        const value = values[k];
        if (value !== undefined) record[keys[k]] = value;
      }
      rows.push({ row, record });
    },
    done: () => rows,
  };
}

/** A row's upload line from its values as sent, in the order of the targets the line is made under. */
export function uploadLine(row: number, values: readonly SentValue[]): UploadLine {
  let gaps = 0;
  for (let k = 0; k < values.length; k++) if (values[k] === undefined) gaps++;
  return { row, line: csvFields(values), gaps };
}

/** Rows kept as upload lines (under the mapping's targets, the keys they are given in). */
export function uploadLines(): RowSink<UploadLine[]> {
  const rows: UploadLine[] = [];
  return { add: (row, values) => rows.push(uploadLine(row, values)), done: () => rows };
}

export const seenKeysKey = (migrationId: string) => `dms:migration:${migrationId}:seen`;
/** The run's lookup answers, shared by its batches (a retried batch finds the same parents). */
export const lookupsKey = (migrationId: string) => `dms:migration:${migrationId}:lookups`;

function cell(value: Value, type: string | undefined): SentValue {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (typeof value === 'string' && value === '') return undefined;
  return value;
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
 * to `sink` (to send) or `decided` (skipped or failed). Needs no service: the bench drives it alone.
 */
export async function prepareChunk(
  chunk: Chunk, batch: Pick<BatchDoc, 'fromRow' | 'toRow'>, ctx: PrepareContext, decided: Outcomes, sink: RowSink<unknown>,
): Promise<void> {
  const { mapping, preflight } = ctx;
  const from = Math.max(batch.fromRow - chunk.firstRow, 0);
  const to = Math.min(batch.toRow - chunk.firstRow + 1, chunk.rows.length);
  if (to <= from) return;
  const frame = frameFromRows(chunk.columns, chunk.rows.slice(from, to) as Value[][], chunk.firstRow + from);
  const result = await applyPipeline(frame, ctx.pipeline, ctx.pipelineContext);
  for (const { row, reason, i18n } of result.skipped) {
    decided.set(row, { status: 'skip', code: 'SKIPPED', message: reason, ...(i18n ? { i18n: [i18n] } : {}) });
  }
  // The same rule as the validation job: a pipeline issue on a mapped column fails the row, unsent.
  const { failures } = classifyRowIssues(result.rowIssues, mapping);
  const build = compileRecordBuilder(mapping, result.frame.columns);
  const { keys } = build;
  const types = keys.map((key) => preflight.fieldType(key));
  const check = preflight.checkerFor(keys);
  // Two arrays for every row (no record per row): its values as built and checked, then as sent.
  const values: Value[] = [];
  const sent: SentValue[] = [];
  const { rows } = result.frame;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    build.fill(result.frame, r, values);
    const errors = failures.get(row) ?? check(values);
    if (errors.length > 0) {
      decided.set(row, refused(errors));
      continue;
    }
    sent.length = values.length;
    for (let k = 0; k < values.length; k++) sent[k] = cell(values[k], types[k]);
    sink.add(row, sent, keys);
  }
}

/**
 * Reads only this batch's rows, runs the pipeline (dedupe keys shared through Redis, `now` fixed
 * per run so a re-run batch produces the same records) and the mapping, and checks every record.
 * Reconciliation passes its own `seenKeys` to rebuild the records a finished run sent.
 */
export async function prepareBatch<T>(
  services: Services, migration: MigrationDoc, batch: BatchDoc, preflight: Preflight, sink: RowSink<T>,
  seenKeys: SeenKeys = new RedisSeenKeys(services.redis, seenKeysKey(migration._id)),
): Promise<Prepared<T>> {
  const now = new Date(migration.startedAt ?? migration.createdAt);
  const lookups = new OrgLookupResolver(services, migration.connectionId, { key: lookupsKey(migration._id), ttlSeconds: 7 * 24 * 3600 });
  const ctx: PrepareContext = {
    pipeline: parsePipeline(migration.template.pipeline),
    pipelineContext: { seenKeys, now, lookups },
    mapping: migration.template.mapping,
    preflight,
  };
  const decided: Outcomes = new Map();
  for await (const chunk of readChunks(services.store, migration.datasetId, batch.chunks)) await prepareChunk(chunk, batch, ctx, decided, sink);
  return { rows: sink.done(), decided };
}
