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
  /** Duplicate checks (the upsert key, unique fields); each reads its own field from the records, in this order. */
  duplicates?: DuplicateTracker[];
  report?: ValidationReportBuilder;
}

/** Maps and validates every row of a (pipeline output) chunk; returns each row's errors, in row order. */
export async function validateFrame(frame: Frame, v: FrameValidation): Promise<{ records: Record<string, Value>[]; errors: RecordError[][] }> {
  const build = compileRecordBuilder(v.mapping, frame.columns);
  const records = frame.rows.map((_, r) => build(frame, r));
  const errors = records.map((record) => validateRecord(record, v.describe, v.operation, v.options));
  const upsertKey = v.operation === 'upsert' ? (v.options?.externalIdField ?? 'Id').toLowerCase() : null;
  // The org checks uniqueness only for a record it would otherwise accept, and a refused record takes no value.
  for (const tracker of v.duplicates ?? []) {
    const values = records.map((record, i) => (errors[i].length === 0 ? record[tracker.fieldName] ?? null : null));
    const verdicts = await tracker.check(values, frame.rows, tracker.fieldName.toLowerCase() === upsertKey);
    verdicts.forEach((error, i) => { if (error) errors[i].push(error); });
  }
  if (v.report) records.forEach((record, i) => v.report?.addRecord(frame.rows[i], record, errors[i]));
  return { records, errors };
}
