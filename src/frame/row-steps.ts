import type { Frame, Value } from './frame.js';
import { keepRows, takeRows } from './frame.js';
import type { StepOf } from './steps.js';
import { columnIndex, pipelineError, ROW_ISSUE_CODES as CODES, rowIssue, withColumn, type StepOutput } from './step-context.js';
import { ExpressionError, RowEvalError, compileExpression, type RowEvaluator } from './expression/evaluate.js';
import type { EvalEnv } from './expression/functions.js';
import { asNumber, asText, compare, truthy } from './expression/values.js';
import type { SeenKeys } from './seen-keys.js';
import { rowMessage, type Said } from '../row-messages/index.js';

const skippedRow = (row: number, { message, i18n }: Said) => ({ row, reason: message, i18n });

function compileFor(frame: Frame, expression: string, step: string, env: EvalEnv): RowEvaluator {
  try { return compileExpression(expression, frame.columns, env); } catch (error) {
    if (error instanceof ExpressionError) throw pipelineError(`Step '${step}' expression '${expression}': ${error.message}.`);
    throw error;
  }
}

/** Keeps rows whose expression is true; an error in a row (e.g. 'abc' > 3 is fine, 'abc' * 2 is not) skips it with the reason. */
export function filter(frame: Frame, step: StepOf<'filter'>, env: EvalEnv, out: StepOutput): Frame {
  const test = compileFor(frame, step.expression, 'filter', env);
  const keep = frame.rows.map((row, r) => {
    try {
      if (truthy(test(frame.data, r))) return true;
      out.skipped.push(skippedRow(row, rowMessage('row.skip.filteredOut', { expression: step.expression })));
    } catch (error) {
      if (!(error instanceof RowEvalError)) throw error;
      // The evaluator's own sentence inside the filter's: "filter could not be evaluated: <why>".
      const i18n = { ...error.i18n, within: 'row.skip.filterFailed' };
      out.skipped.push({ row, reason: `filter could not be evaluated: ${error.message}`, i18n });
    }
    return false;
  });
  return keepRows(frame, keep);
}

export function derive(frame: Frame, step: StepOf<'derive'>, env: EvalEnv, out: StepOutput): Frame {
  const evaluate = compileFor(frame, step.expression, 'derive', env);
  const values = frame.rows.map((row, r): Value => {
    try {
      const value = evaluate(frame.data, r);
      return typeof value === 'number' && !Number.isFinite(value) ? null : value;
    } catch (error) {
      if (!(error instanceof RowEvalError)) throw error;
      out.issues.push(rowIssue(step.onInvalid, row, step.column, CODES.deriveExpressionError, error));
      return null;
    }
  });
  return withColumn(frame, step.column, values);
}

/** Rows whose key cells are all null are never duplicates of each other: they are kept. */
export async function dedupe(frame: Frame, step: StepOf<'dedupe'>, seen: SeenKeys, out: StepOutput): Promise<Frame> {
  const sources = step.keys.map((name) => frame.data[columnIndex(frame, name, 'dedupe')]);
  const keyed: number[] = [];
  const keys: string[] = [];
  frame.rows.forEach((_, r) => {
    const parts = sources.map((column) => column[r]);
    if (parts.every((v) => v === null || v === '')) return;
    const text = JSON.stringify(parts.map((v) => (v === null ? null : asText(v))));
    keys.push(step.caseInsensitive ? text.toLowerCase() : text);
    keyed.push(r);
  });
  const first = keys.length === 0 ? [] : await seen.addMany(keys, keyed.map((r) => frame.rows[r]));
  const keep = frame.rows.map(() => true);
  keyed.forEach((r, i) => {
    if (first[i]) return;
    keep[r] = false;
    out.skipped.push(skippedRow(frame.rows[r], rowMessage('row.skip.duplicate', { keys: step.keys.join(', ') })));
  });
  return keepRows(frame, keep);
}

/** Stable sort within the chunk; nulls last in either direction. */
export function sort(frame: Frame, step: StepOf<'sort'>): Frame {
  const keys = step.by.map((key) => ({ column: frame.data[columnIndex(frame, key.column, 'sort')], sign: key.descending ? -1 : 1 }));
  const index = frame.rows.map((_, r) => r);
  index.sort((a, b) => {
    for (const { column, sign } of keys) {
      const x = column[a];
      const y = column[b];
      if (x === null || y === null) { if (x !== y) return x === null ? 1 : -1; continue; }
      const order = compare(x, y);
      if (order !== 0) return order * sign;
    }
    return a - b;
  });
  return takeRows(frame, index);
}

interface Group {
  first: number;
  keyValues: Value[];
  count: number[];
  sum: number[];
  min: Value[];
  max: Value[];
  n: number[];
  /** Per aggregation, the first value left out of a sum or avg: its row and why. */
  bad: ({ row: number; value: string } | null)[];
}

/**
 * Group-and-aggregate for summaries; count(column) counts non-null cells, count() rows; sum/avg ignore
 * nulls. A non-number left out of a sum or avg is an issue on the group's row and the aggregate's column.
 */
export function aggregate(frame: Frame, step: StepOf<'aggregate'>, out: StepOutput): Frame {
  const groupCols = step.groupBy.map((name) => frame.data[columnIndex(frame, name, 'aggregate')]);
  const aggCols = step.aggregations.map((a) => (a.column ? frame.data[columnIndex(frame, a.column, 'aggregate')] : null));
  if (step.aggregations.some((a, i) => a.fn !== 'count' && aggCols[i] === null)) {
    throw pipelineError(`Step 'aggregate': ${step.aggregations.map((a) => a.fn).join(', ')} need a column, except count.`);
  }
  const groups = new Map<string, Group>();
  const k = step.aggregations.length;
  frame.rows.forEach((row, r) => {
    const keyValues = groupCols.map((column) => column[r]);
    const key = JSON.stringify(keyValues.map((v) => (v === null ? null : asText(v))));
    let group = groups.get(key);
    if (!group) {
      group = {
        first: row, keyValues, count: Array(k).fill(0), sum: Array(k).fill(0), min: Array(k).fill(null), max: Array(k).fill(null),
        n: Array(k).fill(0), bad: Array(k).fill(null),
      };
      groups.set(key, group);
    }
    step.aggregations.forEach((_, i) => accumulate(group, i, aggCols[i], r, row));
  });
  const columns = [...step.groupBy, ...step.aggregations.map((a) => a.as)];
  const list = [...groups.values()];
  const data: Value[][] = columns.map(() => []);
  for (const group of list) {
    group.keyValues.forEach((v, c) => data[c].push(v));
    step.aggregations.forEach((agg, i) => {
      const bad = group.bad[i];
      if (bad !== null) {
        const said = rowMessage('row.aggregate.notANumber', { ...bad, fn: agg.fn });
        out.issues.push(rowIssue(step.onInvalid, group.first, agg.as, CODES.aggregateNotANumber, said));
      }
      data[step.groupBy.length + i].push(bad !== null && step.onInvalid === 'null' ? null : resultOf(group, i, agg.fn));
    });
  }
  return { columns, data, rows: list.map((g) => g.first) };

  function resultOf(group: Group, i: number, fn: StepOf<'aggregate'>['aggregations'][number]['fn']): Value {
    if (fn === 'count') return group.count[i];
    if (fn === 'sum') return group.n[i] ? group.sum[i] : null;
    if (fn === 'avg') return group.n[i] ? group.sum[i] / group.n[i] : null;
    return fn === 'min' ? group.min[i] : group.max[i];
  }

  function accumulate(group: Group, i: number, column: Value[] | null, r: number, row: number): void {
    const fn = step.aggregations[i].fn;
    const value = column ? column[r] : true;
    if (value === null) return;
    group.count[i]++;
    if (fn === 'min' || fn === 'max') {
      const current = group[fn][i];
      if (current === null || (fn === 'min' ? compare(value, current) < 0 : compare(value, current) > 0)) group[fn][i] = value;
      return;
    }
    if (fn === 'sum' || fn === 'avg') {
      try {
        const n = asNumber(value);
        if (n !== null) { group.sum[i] += n; group.n[i]++; }
      } catch (error) {
        if (!(error instanceof RowEvalError)) throw error;
        group.bad[i] ??= { row, value: asText(value) };
      }
    }
  }
}
