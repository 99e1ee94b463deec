export type { SoqlQuery } from '../../soql/ast.js';
export { columnsMetadata } from './columns.js';
export { SoqlError } from '../../soql/errors.js';
export { runSoql } from './evaluate.js';
export type { QueryOutcome } from './outcome.js';
export { flatColumns, recordJson, resultCount } from './records.js';
