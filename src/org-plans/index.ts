export { orderObjects, type PlanOrder, type DeferredLookup } from './order.js';
export { writeIdMapChunk, IdMapReader, deleteIdMap, ID_MAP_CHUNK_PAIRS } from './id-map.js';
export { remapLookups, type IdResolver, type LookupColumn, type ResolvedColumn, type UnmappedLookups } from './remap.js';
export { PlanInput, PlanObject, PlanDoc, presentPlan, planUrls } from './plan-model.js';
export { getPlan, listPlans, savePlan } from './plan-store.js';
export { resolvePlan, type ResolvedPlan } from './plan-check.js';
export { PlanRunDoc, RunRequest, presentRun, runUrls } from './run-model.js';
export { getRun, listRuns } from './run-store.js';
export { requestRun, requestRollback, runPlan } from './run-plan.js';
