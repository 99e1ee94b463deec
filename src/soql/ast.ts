/** The parsed form of a SOQL query; `at` is the offset of the construct in the query text (for error positions). */

export type AggregateFunction = 'COUNT' | 'COUNT_DISTINCT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = ['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'];

export interface FieldRef {
  kind: 'field';
  path: string;
  at: number;
}

export interface AggregateCall {
  kind: 'aggregate';
  fn: AggregateFunction;
  /** The argument path; null for COUNT(). */
  path: string | null;
  /** The function name as written, for display names (`avg(Amount)`). */
  written: string;
  at: number;
  argAt: number;
}

export type Operand = FieldRef | AggregateCall;

export type SelectItem =
  | FieldRef
  | (AggregateCall & { alias?: string })
  | { kind: 'subquery'; query: SoqlQuery; at: number }
  | { kind: 'fields'; which: 'ALL' | 'STANDARD' | 'CUSTOM'; at: number };

export type Literal =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'boolean'; value: boolean; at: number }
  | { kind: 'null'; at: number }
  | { kind: 'date'; text: string; at: number }
  | { kind: 'datetime'; text: string; at: number }
  | { kind: 'dateLiteral'; name: string; n: number | null; at: number };

export type Condition =
  | { kind: 'and' | 'or'; parts: Condition[] }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; left: Operand; op: string; value: Literal; at: number }
  | { kind: 'in'; left: Operand; negate: boolean; values: Literal[]; at: number }
  | { kind: 'semiJoin'; left: FieldRef; negate: boolean; query: SoqlQuery; at: number }
  | { kind: 'includes'; left: FieldRef; negate: boolean; values: Literal[]; at: number };

export interface OrderItem {
  operand: Operand;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  select: SelectItem[];
  /** `SELECT COUNT() ...`: the answer is only totalSize. */
  countOnly: boolean;
  object: string;
  objectAt: number;
  alias?: string;
  where?: Condition;
  groupBy: FieldRef[];
  groupByAt: number;
  having?: Condition;
  havingAt: number;
  orderBy: OrderItem[];
  limit?: number;
  limitAt: number;
  offset?: number;
  offsetAt: number;
  /** FOR VIEW / FOR REFERENCE (recently-viewed tracking; accepted, no effect) or FOR UPDATE (Apex only). */
  forClause?: { kind: 'VIEW' | 'REFERENCE' | 'UPDATE'; at: number };
}
