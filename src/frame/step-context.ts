import { AppError, type Translatable } from '../errors.js';
import type { Frame, RowIssue, SkippedRow } from './frame.js';
import type { OnInvalid } from './steps.js';

/**
 * The codes of row issues, by step. Stable: they are the status code of a row the issue fails (in
 * reports, invalid-rows and results files), so a new meaning gets a new code.
 */
export const ROW_ISSUE_CODES = {
  castNotANumber: 'CAST_NOT_A_NUMBER',
  castNotAnInteger: 'CAST_NOT_AN_INTEGER',
  castNotABoolean: 'CAST_NOT_A_BOOLEAN',
  castInvalidDate: 'CAST_INVALID_DATE',
  regexValueTooLong: 'REGEX_VALUE_TOO_LONG',
  valueMapUnmapped: 'VALUE_MAP_UNMAPPED',
  /** An org-to-org plan's record type (by DeveloperName) that the target org lacks (a valueMap the plan builds). */
  recordTypeMissing: 'RECORD_TYPE_MISSING',
  deriveExpressionError: 'DERIVE_EXPRESSION_ERROR',
  aggregateNotANumber: 'AGGREGATE_NOT_A_NUMBER',
  lookupNotFound: 'LOOKUP_NOT_FOUND',
  lookupAmbiguous: 'LOOKUP_AMBIGUOUS',
  lookupNoConnection: 'LOOKUP_NO_CONNECTION',
} as const;

/** What a step produces besides the new frame; issues and skipped rows accumulate over steps. */
export interface StepOutput {
  issues: RowIssue[];
  skipped: SkippedRow[];
}

/** A row issue as a step with this `onInvalid` reports it ('null' makes it a remark). */
export function rowIssue(
  onInvalid: OnInvalid | undefined, row: number, column: string, code: string, message: string,
): RowIssue {
  return onInvalid === 'null' ? { row, column, code, message, remark: true } : { row, column, code, message };
}

/** `i18n`: the same sentence by its catalogue key, so a page (or a failed dry run) says it in the reader's language. */
export function pipelineError(message: string, details?: unknown, i18n?: Translatable[]): AppError {
  return new AppError('PIPELINE_INVALID', 400, message, { details, i18n });
}

/** The position of a column a step names; a missing column stops the pipeline with a clear message. */
export function columnIndex(frame: Frame, name: string, step: string): number {
  const c = frame.columns.indexOf(name);
  if (c < 0) {
    const params = { step, name, columns: frame.columns.join(', ') };
    const message = `Step '${step}' names column '${name}', which is not in the data (columns: ${params.columns}).`;
    throw pipelineError(message, undefined, [{ key: 'pipeline.error.missingColumn', params }]);
  }
  return c;
}

export function withColumn(frame: Frame, name: string, values: Frame['data'][number]): Frame {
  const c = frame.columns.indexOf(name);
  if (c >= 0) {
    const data = frame.data.slice();
    data[c] = values;
    return { ...frame, data };
  }
  return { ...frame, columns: [...frame.columns, name], data: [...frame.data, values] };
}
