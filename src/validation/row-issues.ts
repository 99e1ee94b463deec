import type { RowIssue } from '../frame/index.js';
import type { Mapping } from '../mapping/index.js';
import { recordError, type RecordError } from './record-error.js';

/** A chunk's pipeline issues, sorted by what they do to their rows. */
export interface ClassifiedIssues {
  /** Dataset row -> the errors that fail it, in step order. */
  failures: Map<number, RecordError[]>;
  /** Issues that fail nothing: on a column the mapping does not read, or from a step with onInvalid 'null'. */
  remarks: RowIssue[];
}

/** The columns a mapping reads (fields and relationship columns; constants read none). */
export function mappedColumns(mapping: Pick<Mapping, 'fields' | 'relationships'>): Set<string> {
  return new Set([...mapping.fields, ...mapping.relationships].map((entry) => entry.column));
}

/** A failing issue in Salesforce's per-record shape: the issue's own code, the column in the message and in `fields`. */
export function rowIssueError(issue: RowIssue): RecordError {
  const error = recordError(issue.code, `${issue.column}: ${issue.message}`, [issue.column]);
  return issue.i18n ? { ...error, i18n: { ...issue.i18n, column: issue.column } } : error;
}

/**
 * THE rule for pipeline issues, used by the validation job, the preview and the run alike: an issue
 * fails its row when the mapping reads its column, unless the step set onInvalid 'null' (a remark).
 * A failed row is never checked further nor sent: its pipeline errors are its verdict.
 */
export function classifyRowIssues(
  issues: readonly RowIssue[], mapping: Pick<Mapping, 'fields' | 'relationships'>,
): ClassifiedIssues {
  const mapped = mappedColumns(mapping);
  const failures = new Map<number, RecordError[]>();
  const remarks: RowIssue[] = [];
  for (const issue of issues) {
    if (issue.remark || !mapped.has(issue.column)) {
      remarks.push(issue);
      continue;
    }
    const errors = failures.get(issue.row);
    if (errors) errors.push(rowIssueError(issue));
    else failures.set(issue.row, [rowIssueError(issue)]);
  }
  return { failures, remarks };
}
