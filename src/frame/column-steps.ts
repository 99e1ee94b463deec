import type { Frame, Value } from './frame.js';
import type { StepOf } from './steps.js';
import { columnIndex, pipelineError, withColumn, type StepOutput } from './step-context.js';
import { asText } from './expression/values.js';

function pick(frame: Frame, indexes: number[]): Frame {
  return { columns: indexes.map((c) => frame.columns[c]), data: indexes.map((c) => frame.data[c]), rows: frame.rows };
}

export function select(frame: Frame, step: StepOf<'select'>): Frame {
  return pick(frame, step.columns.map((name) => columnIndex(frame, name, 'select')));
}

export function drop(frame: Frame, step: StepOf<'drop'>): Frame {
  const gone = new Set(step.columns.map((name) => columnIndex(frame, name, 'drop')));
  return pick(frame, frame.columns.map((_, c) => c).filter((c) => !gone.has(c)));
}

export function reorder(frame: Frame, step: StepOf<'reorder'>): Frame {
  const first = step.columns.map((name) => columnIndex(frame, name, 'reorder'));
  const rest = frame.columns.map((_, c) => c).filter((c) => !first.includes(c));
  return pick(frame, [...first, ...rest]);
}

/** Earlier steps' issues follow the rename, so they name the column the mapping reads. */
export function rename(frame: Frame, step: StepOf<'rename'>, out: StepOutput): Frame {
  for (const from of Object.keys(step.mapping)) columnIndex(frame, from, 'rename');
  const columns = frame.columns.map((name) => step.mapping[name] ?? name);
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate) throw pipelineError(`Step 'rename' would make two columns named '${duplicate}'.`);
  const renamed = new Map(Object.entries(step.mapping));
  for (const issue of out.issues) issue.column = renamed.get(issue.column) ?? issue.column;
  return { ...frame, columns };
}

/** Joins cells as text; nulls are skipped (default) or read as ''; a row of only nulls gives null. */
export function concat(frame: Frame, step: StepOf<'concat'>): Frame {
  const sources = step.columns.map((name) => frame.data[columnIndex(frame, name, 'concat')]);
  const out: Value[] = frame.rows.map((_, r) => {
    const parts = sources.map((column) => column[r]);
    if (parts.every((v) => v === null)) return null;
    const kept = step.skipNulls ? parts.filter((v) => v !== null) : parts;
    return kept.map(asText).join(step.separator);
  });
  return withColumn(frame, step.into, out);
}

/**
 * Splits text on a literal separator into the named columns; the last column keeps the remainder
 * (so nothing is lost), missing parts are null, and a null cell gives nulls.
 */
export function split(frame: Frame, step: StepOf<'split'>): Frame {
  const source = frame.data[columnIndex(frame, step.column, 'split')];
  const n = step.into.length;
  const outs: Value[][] = step.into.map(() => new Array<Value>(frame.rows.length));
  source.forEach((value, r) => {
    const parts = value === null ? [] : asText(value).split(step.separator);
    if (parts.length > n) parts.splice(n - 1, parts.length, parts.slice(n - 1).join(step.separator));
    for (let k = 0; k < n; k++) outs[k][r] = parts[k] ?? null;
  });
  return step.into.reduce((acc, name, k) => withColumn(acc, name, outs[k]), frame);
}
