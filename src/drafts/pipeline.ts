import { PipelineStep, validatePipeline, type Pipeline } from '../frame/index.js';
import type { Translatable } from '../errors.js';
import type { DraftPipeline } from './model.js';

/** The steps that are whole and sound, in order: what the preview runs while others are still being filled in. */
export function completeSteps(pipeline: DraftPipeline): Pipeline {
  return pipeline.flatMap((step) => {
    const checked = validatePipeline([step]);
    return checked.problems.length === 0 ? [PipelineStep.parse(step)] : [];
  });
}

/**
 * What stops the pipeline from running, one sentence per problem: an option left empty is named by its
 * label (`Columns`), anything else (a bad regex, an unknown time zone) by the checker's own message.
 */
export function pipelineProblems(pipeline: DraftPipeline): Translatable[] {
  return pipeline.flatMap((step, index): Translatable[] => {
    const { problems } = validatePipeline([step]);
    if (problems.length === 0) return [];
    const parsed = PipelineStep.safeParse(step);
    const base = { step: index + 1, op: step.op };
    if (!parsed.success) {
      const missing = parsed.error.issues.find((issue) => issue.code === 'invalid_type' && !(String(issue.path[0]) in step));
      if (missing) return [{ key: 'flow.pipeline.missing', params: { ...base, option: String(missing.path[0]) } }];
    }
    return problems.map((p) => ({ key: 'flow.pipeline.problem', params: { ...base, message: p.message.replace(/^0\.?/, '') } }));
  });
}
