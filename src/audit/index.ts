export { recordAudit, listAudit } from './log.js';
export { auditTrail, describeRequest } from './middleware.js';
export { AuditEntry, AuditFilter, AuditDoc, AUDIT_TARGETS, type AuditInput, type AuditTarget } from './model.js';
