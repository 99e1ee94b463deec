import type { Frame, RowIssue, Value } from '../frame/index.js';
import { compileRecordBuilder, relationshipKey, type DescribeSObjectResult, type Mapping, type WriteOperation } from '../mapping/index.js';
import type { DuplicateTracker } from './duplicate-tracker.js';
import type { RecordError } from './record-error.js';
import type { ValidationReportBuilder } from './report.js';
import { classifyRowIssues } from './row-issues.js';
import { recordValidator, type RecordValidator, type ValidateOptions } from './validate-record.js';

export interface FrameValidation {
  mapping: Mapping;
  describe: DescribeSObjectResult;
  operation: WriteOperation;
  /** The pipeline's issues for this frame (`[]` without a pipeline): those on mapped columns fail their rows. */
  rowIssues: readonly RowIssue[];
  options?: ValidateOptions;
  /** Duplicate checks (the upsert key, unique fields); each reads its own field from the records, in this order. */
  duplicates?: DuplicateTracker[];
  report?: ValidationReportBuilder;
}

/**
 * Maps and validates every row of a (pipeline output) chunk; returns each row's errors, in row order.
 * A row failed by a pipeline issue gets those errors alone (the run never sends it), then Salesforce's
 * rules, then duplicates: the stages a run goes through.
 */
export async function validateFrame(frame: Frame, v: FrameValidation): Promise<FrameVerdicts> {
  const build = compileRecordBuilder(v.mapping, frame.columns);
  const { failures, remarks } = classifyRowIssues(v.rowIssues, v.mapping);
  const records = frame.rows.map((_, r) => build(frame, r));
  const validate = recordValidator(v.describe, v.operation, v.options);
  const errors = records.map((record, r) => failures.get(frame.rows[r]) ?? validate(record));
  const upsertKey = v.operation === 'upsert' ? (v.options?.externalIdField ?? 'Id').toLowerCase() : null;
  // The org checks uniqueness only for a record it would otherwise accept, and a refused record takes no value.
  for (const tracker of v.duplicates ?? []) {
    const values = records.map((record, i) => (errors[i].length === 0 ? record[tracker.fieldName] ?? null : null));
    const verdicts = await tracker.check(values, frame.rows, tracker.fieldName.toLowerCase() === upsertKey);
    verdicts.forEach((error, i) => { if (error) errors[i].push(error); });
  }
  const also = records.map((record, r) => (errors[r].length === 0 ? [] : furtherErrors(record, errors[r], v, validate)));
  if (v.report) {
    v.report.addPipelineIssues(v.rowIssues, remarks.length);
    records.forEach((record, i) => v.report?.addRecord(frame.rows[i], record, errors[i], also[i]));
  }
  return { records, errors, also };
}

/** A row's verdict (what the run reports: the first failing stage) and the rest of its problems, for people. */
export interface FrameVerdicts { records: Record<string, Value>[]; errors: RecordError[][]; also: RecordError[][] }

const sameError = (a: RecordError, b: RecordError) => a.statusCode === b.statusCode && a.fields.join() === b.fields.join();

/**
 * The problems an invalid row has besides its verdict (every stage, by the frame's own validator); keys fed by a column
 * the pipeline failed are not checked again.
 */
function furtherErrors(record: Record<string, Value>, verdict: RecordError[], v: FrameValidation, validate: RecordValidator): RecordError[] {
  const failedColumns = new Set(verdict.flatMap((e) => e.fields));
  const settled = new Set([
    ...v.mapping.fields.filter((e) => failedColumns.has(e.column)).map((e) => e.field),
    ...v.mapping.relationships.filter((e) => failedColumns.has(e.column)).map(relationshipKey),
  ]);
  const every = validate(record, { all: true, settled });
  return every.filter((e) => !verdict.some((known) => sameError(known, e)));
}
