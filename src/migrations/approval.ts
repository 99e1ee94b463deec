import { createHash } from 'node:crypto';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { canonicalJson, recordAudit } from '../audit/index.js';
import { findLatest, findTemplateDoc } from '../templates/index.js';
import { findDataset } from '../datasets/dataset-store.js';
import { ROLLBACK_FROM, type Approval, type MigrationDoc } from './model.js';
import { reportState } from './progress.js';
import { updateMigration, withState } from './store.js';
import { reason } from './reasons.js';

/** What an approver saw of the run's inputs: the dataset's last change and the template's content and newest saved version. */
export interface Revisions { datasetRevision: string; templateRevision: string }

async function datasetRevision(services: Services, id: string): Promise<string> {
  const doc = await findDataset(services.store, id);
  return doc ? `${doc.status}@${doc.updatedAt}` : 'deleted';
}

/** The run's own mapping and pipeline, and (for a saved template) the newest version of that template's name. */
async function templateRevision(services: Services, doc: MigrationDoc): Promise<string> {
  const content = createHash('sha256').update(canonicalJson(doc.template)).digest('hex').slice(0, 16);
  if (!doc.templateId) return content;
  const saved = await findTemplateDoc(services.store, doc.templateId);
  const latest = typeof saved?.name === 'string' ? await findLatest(services.store, saved.name) : undefined;
  return `${content}@${latest?._id ?? (saved?._rev as string | undefined) ?? 'deleted'}`;
}

export async function currentRevisions(services: Services, doc: MigrationDoc): Promise<Revisions> {
  await services.store.client.authorize();
  const [dataset, template] = await Promise.all([datasetRevision(services, doc.datasetId), templateRevision(services, doc)]);
  return { datasetRevision: dataset, templateRevision: template };
}

/** created (start) or a finished run (roll back) -> awaiting_approval, asked by `actor`. */
export async function requestApproval(services: Services, id: string, action: Approval['action'], actor: string): Promise<MigrationDoc> {
  const doc = await updateMigration(services, id, (m) => {
    const from: readonly string[] = action === 'start' ? ['created'] : ROLLBACK_FROM;
    if (!from.includes(m.state)) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; this needs it to be ${from.join(' or ')}.`);
    const approval: Approval = {
      action, decision: 'pending', requestedBy: actor, requestedAt: new Date().toISOString(),
      ...(action === 'rollback' ? { returnTo: m.state as Approval['returnTo'] } : {}),
    };
    return { ...withState(m, 'awaiting_approval', actor), approval };
  });
  await reportState(services, doc);
  return doc;
}

/** Why an approval no longer holds (expired, or the dataset or template changed since), or undefined. */
export function approvalProblem(approval: Approval, now: Revisions, at = new Date()): { code: string; message: string } | undefined {
  if (approval.expiresAt && Date.parse(approval.expiresAt) <= at.getTime()) {
    return { code: 'APPROVAL_EXPIRED', message: `The approval by ${approval.decidedBy} expired at ${approval.expiresAt}; a new approval is needed.` };
  }
  if (approval.datasetRevision !== now.datasetRevision) {
    return { code: 'APPROVAL_VOID', message: `The dataset changed after ${approval.decidedBy} approved the run; a new approval is needed.` };
  }
  if (approval.templateRevision !== now.templateRevision) {
    return { code: 'APPROVAL_VOID', message: `The template changed after ${approval.decidedBy} approved the run; a new approval is needed.` };
  }
  return undefined;
}

/**
 * At the start (the plan job, or the roll back job): a run that was approved goes on only while the approval holds.
 * Otherwise it goes back to awaiting_approval with the reason, and this returns false.
 */
export async function approvalHolds(services: Services, doc: MigrationDoc): Promise<boolean> {
  const approval = doc.approval;
  if (!approval || approval.decision !== 'approved') return true;
  const problem = approvalProblem(approval, await currentRevisions(services, doc));
  if (!problem) return true;
  const voided = await updateMigration(services, doc._id, (m) => {
    if (m.state !== doc.state) return undefined;
    const pending: Approval = { ...approval, decision: 'void', reason: problem.message };
    return { ...withState(m, 'awaiting_approval', 'system', reason('migrations.reason.approvalVoid', { code: problem.code, detail: problem.message })), approval: pending };
  });
  await reportState(services, voided);
  const target = { type: 'migration' as const, id: doc._id };
  await recordAudit(services, { actor: 'system', action: 'migration.approval-void', target, details: { code: problem.code, approvedBy: approval.decidedBy ?? null } });
  logger('migrations', { migrationId: doc._id }).warn({ code: problem.code }, problem.message);
  return false;
}
