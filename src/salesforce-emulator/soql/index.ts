export type { SoqlQuery } from './ast.js';
export { columnsMetadata } from './columns.js';
export { SoqlError } from './errors.js';
export { runSoql } from './evaluate.js';
export type { QueryOutcome } from './outcome.js';
export { flatColumns, recordJson, resultCount } from './records.js';
