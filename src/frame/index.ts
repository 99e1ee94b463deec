export type { Frame, RowIssue, SkippedRow, Value } from './frame.js';
export { frameFromRecords, frameFromRows, frameToRecords, frameToRows, rowCount } from './frame.js';
export { CastType, Literal, LookupStep, OnInvalid, Pipeline, PipelineStep } from './steps.js';
export type { LookupResolver } from './lookup-step.js';
export { ROW_ISSUE_CODES } from './step-context.js';
export type { StepOf } from './steps.js';
export {
  applyPipeline, parsePipeline, previewPipeline, validatePipeline,
  type PipelineContext, type PipelineProblem, type PipelineResult,
} from './pipeline.js';
export { InMemorySeenKeys, type SeenKeys } from './seen-keys.js';
export { RedisSeenKeys } from './redis-seen-keys.js';
export { checkExpression, compileExpression } from './expression/evaluate.js';
export { ExpressionError } from './expression/lexer.js';
export { FUNCTIONS as EXPRESSION_FUNCTIONS } from './expression/functions.js';
export { isValidTimeZone } from './dates.js';
