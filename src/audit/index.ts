export { recordAudit, listAudit } from './log.js';
export { auditTrail } from './middleware.js';
export { describeRequest } from './actions.js';
export { AuditEntry, AuditFilter, AuditDoc, AUDIT_TARGETS, ChainReport, ChainBreak, type AuditInput, type AuditTarget } from './model.js';
export { canonicalJson, entryHash, chainId, GENESIS_HASH } from './chain.js';
export { verifyAuditChain, exportAudit } from './verify.js';
