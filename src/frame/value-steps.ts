import type { Frame, Value } from './frame.js';
import type { StepOf } from './steps.js';
import { columnIndex, pipelineError, ROW_ISSUE_CODES as CODES, rowIssue, type StepOutput } from './step-context.js';
import { CastFailure, compileCaster } from './cast.js';
import { MAX_REGEX_INPUT, collapseWhitespace, compileSafeRegex, titleCase } from './text.js';

type CellFn = (value: Value, r: number, column: string) => Value;

/** Applies a cell function to the named columns, copying only those columns. */
function mapColumns(frame: Frame, names: string[], step: string, fn: CellFn): Frame {
  const data = frame.data.slice();
  for (const name of names) {
    const c = columnIndex(frame, name, step);
    const source = frame.data[c];
    const out = new Array<Value>(source.length);
    for (let r = 0; r < source.length; r++) out[r] = fn(source[r], r, name);
    data[c] = out;
  }
  return { ...frame, data };
}

/** Text steps change strings only: null stays null, numbers, booleans and dates pass unchanged. */
function textStep(frame: Frame, names: string[], step: string, fn: (text: string) => string): Frame {
  return mapColumns(frame, names, step, (v) => (typeof v === 'string' ? fn(v) : v));
}

export function cast(frame: Frame, step: StepOf<'cast'>, out: StepOutput): Frame {
  let caster: ReturnType<typeof compileCaster>;
  try { caster = compileCaster(step); } catch (error) { throw pipelineError(`Step 'cast': ${(error as Error).message}.`); }
  return mapColumns(frame, step.columns, 'cast', (value, r, column) => {
    const result = caster(value);
    if (!(result instanceof CastFailure)) return result;
    out.issues.push(rowIssue(step.onInvalid, frame.rows[r], column, result.code, result.message));
    return null;
  });
}

export const trim = (frame: Frame, step: StepOf<'trim'>): Frame => textStep(frame, step.columns, 'trim', (s) => s.trim());

export const collapse = (frame: Frame, step: StepOf<'collapseWhitespace'>): Frame =>
  textStep(frame, step.columns, 'collapseWhitespace', collapseWhitespace);

export function changeCase(frame: Frame, step: StepOf<'case'>): Frame {
  const fn = step.mode === 'upper' ? (s: string) => s.toUpperCase()
    : step.mode === 'lower' ? (s: string) => s.toLowerCase() : titleCase;
  return textStep(frame, step.columns, 'case', fn);
}

export const replace = (frame: Frame, step: StepOf<'replace'>): Frame =>
  textStep(frame, step.columns, 'replace', (s) => s.split(step.find).join(step.replacement));

export function regexReplace(frame: Frame, step: StepOf<'regexReplace'>, out: StepOutput): Frame {
  const regex = compileStepRegex(step);
  return mapColumns(frame, step.columns, 'regexReplace', (v, r, column) => {
    if (typeof v !== 'string') return v;
    if (v.length > MAX_REGEX_INPUT) {
      const nulled = step.onInvalid === 'null';
      const message = `value of ${v.length} characters is longer than ${MAX_REGEX_INPUT}; ${nulled ? 'emptied' : 'left unchanged'}`;
      out.issues.push(rowIssue(step.onInvalid, frame.rows[r], column, CODES.regexValueTooLong, message));
      return nulled ? null : v;
    }
    regex.lastIndex = 0;
    return v.replace(regex, step.replacement);
  });
}

export function compileStepRegex(step: StepOf<'regexReplace'>): RegExp {
  try { return compileSafeRegex(step.pattern, step.flags ?? 'g'); } catch (error) {
    throw pipelineError(`Step 'regexReplace' pattern '${step.pattern}': ${(error as Error).message}.`);
  }
}

/** Maps whole cell values (compared as trimmed text); unmapped ones are kept or nulled with an issue. */
export function valueMap(frame: Frame, step: StepOf<'valueMap'>, out: StepOutput): Frame {
  const fold = (s: string): string => (step.caseInsensitive ? s.trim().toLowerCase() : s.trim());
  const map = new Map(Object.entries(step.map).map(([k, v]) => [fold(k), v] as const));
  return mapColumns(frame, step.columns, 'valueMap', (v, r, column) => {
    if (v === null) return map.has('') ? (map.get('') as Value) : null;
    const text = v instanceof Date ? v.toISOString() : String(v);
    const key = fold(text);
    const mapped = map.get(key);
    if (mapped !== undefined) return mapped;
    if (step.otherwise !== 'null') return v;
    const code = step.unmapped?.code ?? CODES.valueMapUnmapped;
    const message = step.unmapped ? step.unmapped.message.replaceAll('{value}', text.trim()) : `'${key}' has no mapping`;
    out.issues.push(rowIssue(step.onInvalid, frame.rows[r], column, code, message));
    return null;
  });
}

export function fillNull(frame: Frame, step: StepOf<'fillNull'>): Frame {
  const isEmpty = (v: Value): boolean => v === null || (step.blankAsNull === true && typeof v === 'string' && v.trim() === '');
  return mapColumns(frame, step.columns, 'fillNull', (v) => (isEmpty(v) ? step.value : v));
}
