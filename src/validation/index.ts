export { RecordError, ERRORS as RECORD_ERRORS } from './record-error.js';
export { recordValidator, validateRecord, type RecordValidator, type ValidateOptions } from './validate-record.js';
export { fieldChecker } from './field-value.js';
export { DuplicateTracker } from './duplicate-tracker.js';
export {
  ValidationReport, ValidationReportBuilder, invalidRowCsvLine, invalidRowsCsvHeader, type InvalidRow,
} from './report.js';
export { validateFrame, type FrameValidation, type FrameVerdicts } from './validate-frame.js';
export { classifyRowIssues, mappedColumns, rowIssueError, type ClassifiedIssues } from './row-issues.js';
