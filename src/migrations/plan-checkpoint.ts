import { z } from 'zod';
import type { Services } from '../services.js';
import { migrationJobId } from '../queue/jobs/migrations.js';
import type { MigrationDoc } from './model.js';

/**
 * What a plan job already did, kept under its job id: a plan job taken again after its worker died goes on from the
 * last step it stored (the batch documents written, the org's budget read) instead of starting over. Redis holds it
 * for a day; without it (Redis lost it) planning starts over, which is idempotent.
 */
export const PlanCheckpoint = z.object({
  apiMode: z.enum(['collections', 'bulk']),
  batchSize: z.number().int().positive(),
  /** The batch documents 0..batchCount-1 are stored. */
  batchCount: z.number().int().min(0),
  /** Set once `/limits` was read: the calls the run needs and whether they would eat into the org's reserve. */
  start: z.object({
    needed: z.number(),
    budget: z.object({ max: z.number(), remaining: z.number(), at: z.string(), source: z.enum(['limits', 'header']) }),
    short: z.boolean(),
  }).optional(),
});
export type PlanCheckpoint = z.infer<typeof PlanCheckpoint>;
/** A plan whose budget was read: all it needs to start the run. */
export type StartedPlan = PlanCheckpoint & { start: NonNullable<PlanCheckpoint['start']> };

const KEEP_SECONDS = 24 * 3600;

/** How many times the run was queued before (a voided approval queues it again): its plan job's id says it. */
export const planAttempt = (migration: Pick<MigrationDoc, 'history'>): number =>
  Math.max(migration.history.filter((h) => h.state === 'queued').length - 1, 0);

const checkpointKey = (services: Services, migration: MigrationDoc) =>
  `${services.config.queue.prefix}:dms-plan:${migrationJobId.plan(migration._id, planAttempt(migration))}`;

/** The plan state the run's current plan job stored, or undefined (none yet, or not readable: plan from scratch). */
export async function readPlanCheckpoint(services: Services, migration: MigrationDoc): Promise<PlanCheckpoint | undefined> {
  const raw = await services.redis.get(checkpointKey(services, migration));
  if (!raw) return undefined;
  try {
    return PlanCheckpoint.parse(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

export async function keepPlanCheckpoint(services: Services, migration: MigrationDoc, checkpoint: PlanCheckpoint): Promise<PlanCheckpoint> {
  await services.redis.set(checkpointKey(services, migration), JSON.stringify(checkpoint), 'EX', KEEP_SECONDS);
  return checkpoint;
}
