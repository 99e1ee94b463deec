import { AppError } from '../errors.js';
import type { Frame, RowIssue, SkippedRow } from './frame.js';

/** What a step produces besides the new frame; issues and skipped rows accumulate over steps. */
export interface StepOutput {
  issues: RowIssue[];
  skipped: SkippedRow[];
}

export function pipelineError(message: string, details?: unknown): AppError {
  return new AppError('PIPELINE_INVALID', 400, message, { details });
}

/** The position of a column a step names; a missing column stops the pipeline with a clear message. */
export function columnIndex(frame: Frame, name: string, step: string): number {
  const c = frame.columns.indexOf(name);
  if (c < 0) {
    throw pipelineError(`Step '${step}' names column '${name}', which is not in the data (columns: ${frame.columns.join(', ')}).`);
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
