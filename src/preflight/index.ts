export {
  INVALID_ROWS_ATTACHMENT, ValidationDoc, ValidationProgress, ValidationRequest, ValidationStatus, presentValidation, validationUrls,
} from './model.js';
export { createValidation } from './create.js';
export { runValidation } from './run.js';
export { previewRows, PreviewRequest, type InvalidCell, type Preview } from './preview.js';
export { describeContext, describeFor, objectChoices, type DescribeContext } from './describe.js';
export { getValidation, listValidations, readInvalidRows } from './store.js';
export { isFinished, progressOf, subscribeValidation, validationChannel } from './progress.js';
export { fieldChoices, suggestForDataset, SuggestRequest, type FieldChoice, type SuggestResult } from './suggest.js';
export { stepSuggestionsFor, suggestSteps, type StepSuggestion } from './step-suggestions.js';
