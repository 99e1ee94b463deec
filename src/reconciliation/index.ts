export * from './model.js';
export { compareValue, type FieldVerdict, type NormalisationKind } from './compare.js';
export { reconcileMigration } from './run.js';
export { reconcilable, reconcileAfterRun, requestReconciliation } from './request.js';
export { findReconciliation } from './store.js';
export { writeDifferencesCsv } from './differences-csv.js';
