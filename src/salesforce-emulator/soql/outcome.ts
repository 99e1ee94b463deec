import type { Row, Table, Value } from '../data/table.js';
import type { AggregateCall, SoqlQuery } from '../../soql/ast.js';
import type { FieldPath } from './paths.js';
import type { ResultRows } from './result-rows.js';

/** A parent-to-child subquery (`(SELECT LastName FROM Contacts)`), compiled against the child object. */
export interface ChildQuery {
  /** The child relationship name with API casing (`Contacts`). */
  name: string;
  table: Table;
  columns: FieldPath[];
  /** The child rows of one parent record, filtered, ordered and limited as the subquery says. */
  rowsOf(parentId: string): Row[];
}

/** One item of the select list, compiled. */
export type SelectColumn =
  | { kind: 'field'; path: FieldPath }
  | { kind: 'child'; child: ChildQuery }
  /** A grouped field in an aggregate query; its result key is the field's own name (`Name` for `Account.Name`). */
  | { kind: 'group'; key: string; path: FieldPath }
  | { kind: 'aggregate'; key: string; call: AggregateCall; path: FieldPath | null };

/** The answer to a query: rows of the object, only a count, or aggregate results. */
export interface QueryOutcome {
  query: SoqlQuery;
  table: Table;
  kind: 'rows' | 'count' | 'aggregate';
  columns: SelectColumn[];
  /** Matching rows (kind rows), read by position. */
  rows: ResultRows;
  /** Aggregate result values by key (kind aggregate). */
  groups: Record<string, Value>[];
  totalSize: number;
}
