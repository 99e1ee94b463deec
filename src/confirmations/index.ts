export { assertConfirmed, ConfirmFields, type Impact } from './confirm.js';
export { datasetImpact, migrationImpact, templateImpact, type Org, type RunFacts } from './impacts.js';
