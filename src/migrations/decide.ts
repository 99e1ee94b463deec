import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { findUser } from '../auth/index.js';
import type { Approval, MigrationDoc } from './model.js';
import { currentRevisions } from './approval.js';
import { queueRun } from './create.js';
import { beginRollback } from './controls.js';
import { reportState } from './progress.js';
import { getMigration, updateMigration, withState } from './store.js';
import { rejectedBy } from './reasons.js';

/** POST /migrations/{id}/reject: why, for the person who asked (and the audit log). */
export const RejectRequest = z.object({ reason: z.string().trim().min(3, 'Say why the run is rejected (3 characters at least).').max(500) });

/** The run awaiting a decision by `actor`, who must hold the approver right. */
async function awaitingDecision(services: Services, id: string, actor: string): Promise<MigrationDoc & { approval: Approval }> {
  const user = await findUser(services, actor);
  if (!user?.approver) {
    throw new AppError('APPROVER_REQUIRED', 403, `Deciding on a run against a production org needs the approver right; ${actor} does not have it. Ask an administrator.`);
  }
  const doc = await getMigration(services, id);
  if (doc.state !== 'awaiting_approval' || !doc.approval) throw new AppError('MIGRATION_STATE', 409, `Migration is ${doc.state}; there is nothing to approve or reject.`);
  return doc as MigrationDoc & { approval: Approval };
}

/**
 * A second person approves: never the one who created the run or asked for it (APPROVAL_SELF). The approval records
 * what they saw (dataset and template revisions) and when it expires; then the run starts (or rolls back) as it would have.
 */
export async function approveMigration(services: Services, id: string, actor: string): Promise<MigrationDoc> {
  const doc = await awaitingDecision(services, id, actor);
  if (actor === doc.createdBy || actor === doc.approval.requestedBy) {
    throw new AppError('APPROVAL_SELF', 403, `${actor} created or asked for this run and cannot approve it: another person with the approver right must.`);
  }
  const decidedAt = new Date();
  const approval: Approval = {
    ...doc.approval, decision: 'approved', decidedBy: actor, decidedAt: decidedAt.toISOString(), reason: undefined,
    expiresAt: new Date(decidedAt.getTime() + services.config.approvalTtlHours * 3_600_000).toISOString(),
    ...(await currentRevisions(services, doc)),
  };
  return approval.action === 'start'
    ? queueRun(services, id, actor, 'awaiting_approval', { approval })
    : beginRollback(services, id, actor, ['awaiting_approval'], { approval });
}

/** Rejecting a start ends the run `rejected`; rejecting a roll back leaves the run as it was (completed, failed, cancelled). */
export async function rejectMigration(services: Services, id: string, actor: string, reason: string): Promise<MigrationDoc> {
  await awaitingDecision(services, id, actor);
  const doc = await updateMigration(services, id, (m) => {
    if (m.state !== 'awaiting_approval' || !m.approval) throw new AppError('MIGRATION_STATE', 409, `Migration is ${m.state}; there is nothing to reject.`);
    const now = new Date().toISOString();
    const approval: Approval = { ...m.approval, decision: 'rejected', decidedBy: actor, decidedAt: now, reason };
    const to = m.approval.action === 'rollback' ? (m.approval.returnTo ?? 'completed') : 'rejected';
    return { ...withState(m, to, actor, rejectedBy(actor, reason)), approval, ...(to === 'rejected' ? { finishedAt: now } : {}) };
  });
  await reportState(services, doc);
  return doc;
}
