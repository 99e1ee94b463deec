export { DRAFT_STEPS, DraftChange, DraftDoc, DraftStep, RunChoices, draftUrl, stepIndex } from './model.js';
export { changeDraft, getDraft, listOpenDrafts } from './store.js';
export { createDraft, DraftStart, insertsNulls, runDraft, saveDraftAsTemplate, validateDraft } from './flow.js';
export { completeSteps, pipelineProblems } from './pipeline.js';
export { addedColumns, mapAddedColumns, mapColumnsAdded } from './pipeline-columns.js';
