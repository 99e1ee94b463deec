import type { Frame, Value } from '../frame/index.js';
import { compileRecordBuilder, type DescribeSObjectResult, type Mapping, type WriteOperation } from '../mapping/index.js';
import type { DuplicateTracker } from './duplicate-tracker.js';
import type { RecordError } from './record-error.js';
import type { ValidationReportBuilder } from './report.js';
import { validateRecord, type ValidateOptions } from './validate-record.js';

export interface FrameValidation {
  mapping: Mapping;
  describe: DescribeSObjectResult;
  operation: WriteOperation;
  options?: ValidateOptions;
  /** Duplicate checks, e.g. on the upsert key; each reads its own field from the records. */
  duplicates?: DuplicateTracker[];
  report?: ValidationReportBuilder;
}

/** Maps and validates every row of a (pipeline output) chunk; returns each row's errors, in row order. */
export async function validateFrame(frame: Frame, v: FrameValidation): Promise<{ records: Record<string, Value>[]; errors: RecordError[][] }> {
  const build = compileRecordBuilder(v.mapping, frame.columns);
  const records = frame.rows.map((_, r) => build(frame, r));
  const errors = records.map((record) => validateRecord(record, v.describe, v.operation, v.options));
  for (const tracker of v.duplicates ?? []) {
    const verdicts = await tracker.check(records.map((record) => record[tracker.fieldName] ?? null), frame.rows);
    verdicts.forEach((error, i) => { if (error) errors[i].push(error); });
  }
  if (v.report) records.forEach((record, i) => v.report?.addRecord(frame.rows[i], record, errors[i]));
  return { records, errors };
}
