export { ExportRequest, ExportCondition, CONDITION_OPERATORS } from './model.js';
export { checkQuery, type CheckedQuery } from './check-query.js';
export { buildSoql } from './build-soql.js';
// src/transfers imports it from here: it is SOQL's own (src/soql).
export { createExport, checkExport, describeLoader } from './create-export.js';
export { runExport, type ExportOutcome } from './run-export.js';
export { exportFieldChoices, type FieldChoice } from './field-choices.js';
export { valueAt as recordValueAt } from './export-sink.js';
