export { recordAudit, listAudit } from './log.js';
export { auditTrail } from './middleware.js';
export { describeRequest } from './actions.js';
export { AuditEntry, AuditFilter, AuditDoc, AUDIT_TARGETS, type AuditInput, type AuditTarget } from './model.js';
