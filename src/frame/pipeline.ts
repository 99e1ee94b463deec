import type { Frame, RowIssue, SkippedRow, Value } from './frame.js';
import { frameFromRows } from './frame.js';
import { Pipeline, type PipelineStep } from './steps.js';
import { pipelineError, type StepOutput } from './step-context.js';
import { concat, drop, rename, reorder, select, split } from './column-steps.js';
import { cast, changeCase, collapse, compileStepRegex, fillNull, regexReplace, replace, trim, valueMap } from './value-steps.js';
import { aggregate, dedupe, derive, filter, sort } from './row-steps.js';
import { InMemorySeenKeys, type SeenKeys } from './seen-keys.js';
import { checkExpression, ExpressionError } from './expression/evaluate.js';
import { compileDateFormat, isValidTimeZone } from './dates.js';
import { lookup, type LookupResolver } from './lookup-step.js';

export interface PipelineContext {
  /** Shared across chunks (Redis) for a run; an in-memory one is made when absent. */
  seenKeys?: SeenKeys;
  /** The moment today()/now() read; fixed per run so all chunks agree. */
  now?: Date;
  /** Zone of today() (default UTC). */
  timeZone?: string;
  /** Queries the org for lookup steps; without one (a preview with no connection) they only remark. */
  lookups?: LookupResolver;
}

export interface PipelineResult {
  frame: Frame;
  rowIssues: RowIssue[];
  skipped: SkippedRow[];
}

/** A problem in a pipeline found before any row runs: which step, what is wrong. */
export interface PipelineProblem { step: number; op: string; message: string }

/**
 * Checks a pipeline without data: schema, expressions (syntax, functions, arities), regexes
 * (safe subset), date formats, time zones. Returns every problem, so the editor can show them all.
 */
export function validatePipeline(input: unknown): { pipeline: Pipeline; problems: PipelineProblem[] } {
  const parsed = Pipeline.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      step: typeof issue.path[0] === 'number' ? issue.path[0] : -1,
      op: '', message: `${issue.path.join('.')}: ${issue.message}`,
    }));
    return { pipeline: [], problems };
  }
  const problems: PipelineProblem[] = [];
  parsed.data.forEach((step, index) => {
    for (const message of stepProblems(step)) problems.push({ step: index, op: step.op, message });
  });
  return { pipeline: parsed.data, problems };
}

function stepProblems(step: PipelineStep): string[] {
  const problems: string[] = [];
  const attempt = (fn: () => unknown): void => {
    try { fn(); } catch (error) {
      problems.push(error instanceof ExpressionError || error instanceof Error ? error.message : String(error));
    }
  };
  if (step.op === 'filter' || step.op === 'derive') attempt(() => checkExpression(step.expression));
  if (step.op === 'regexReplace') attempt(() => compileStepRegex(step));
  if (step.op === 'cast') {
    if (step.format) attempt(() => compileDateFormat(step.format as string));
    if (step.timeZone && !isValidTimeZone(step.timeZone)) problems.push(`unknown time zone '${step.timeZone}'`);
    if (step.decimalSeparator && step.decimalSeparator === step.thousandsSeparator) {
      problems.push('decimalSeparator and thousandsSeparator must differ');
    }
  }
  return problems;
}

/** Parses and checks a pipeline, throwing one AppError (400, PIPELINE_INVALID) listing every problem. */
export function parsePipeline(input: unknown): Pipeline {
  const { pipeline, problems } = validatePipeline(input);
  if (problems.length > 0) {
    const text = problems.map((p) => (p.step >= 0 ? `step ${p.step + 1}${p.op ? ` (${p.op})` : ''}: ${p.message}` : p.message));
    throw pipelineError(`The pipeline is not valid: ${text.join('; ')}`, problems);
  }
  return pipeline;
}

/** Runs the steps over one chunk. Bad values become null plus a row issue; only a pipeline that does not fit the data throws. */
export async function applyPipeline(frame: Frame, pipeline: Pipeline, ctx: PipelineContext = {}): Promise<PipelineResult> {
  const out: StepOutput = { issues: [], skipped: [] };
  const env = { now: ctx.now ?? new Date(), timeZone: ctx.timeZone ?? 'UTC' };
  const seen = ctx.seenKeys ?? new InMemorySeenKeys();
  let current = frame;
  for (const step of pipeline) {
    current = await applyStep(current, step, { env, seen, out, lookups: ctx.lookups });
  }
  return { frame: current, rowIssues: out.issues, skipped: out.skipped };
}

interface Run { env: { now: Date; timeZone: string }; seen: SeenKeys; out: StepOutput; lookups?: LookupResolver }

function applyStep(frame: Frame, step: PipelineStep, run: Run): Frame | Promise<Frame> {
  switch (step.op) {
    case 'select': return select(frame, step);
    case 'drop': return drop(frame, step);
    case 'rename': return rename(frame, step, run.out);
    case 'reorder': return reorder(frame, step);
    case 'cast': return cast(frame, step, run.out);
    case 'trim': return trim(frame, step);
    case 'collapseWhitespace': return collapse(frame, step);
    case 'case': return changeCase(frame, step);
    case 'replace': return replace(frame, step);
    case 'regexReplace': return regexReplace(frame, step, run.out);
    case 'valueMap': return valueMap(frame, step, run.out);
    case 'fillNull': return fillNull(frame, step);
    case 'filter': return filter(frame, step, run.env, run.out);
    case 'derive': return derive(frame, step, run.env, run.out);
    case 'concat': return concat(frame, step);
    case 'split': return split(frame, step);
    case 'dedupe': return dedupe(frame, step, run.seen, run.out);
    case 'sort': return sort(frame, step);
    case 'aggregate': return aggregate(frame, step, run.out);
    case 'lookup': return lookup(frame, step, run.lookups, run.out);
  }
}

/**
 * The live preview: the first rows through the whole pipeline with a fresh in-memory seen-keys
 * set, so editing a step never touches a run's Redis state.
 */
export async function previewPipeline(
  columns: string[], sampleRows: Value[][], pipeline: unknown,
  options: { now?: Date; timeZone?: string; lookups?: LookupResolver } = {},
): Promise<PipelineResult> {
  const checked = parsePipeline(pipeline);
  return applyPipeline(frameFromRows(columns, sampleRows), checked, { ...options, seenKeys: new InMemorySeenKeys() });
}
