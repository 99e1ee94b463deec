import type { Services } from '../services.js';
import { AppError, isAppError } from '../errors.js';
import { logger } from '../logger.js';
import { getMigration, rollbackRequest } from '../migrations/index.js';
import { resolvePlan } from './plan-check.js';
import { getPlan } from './plan-store.js';
import { RunRequest, type PlanRunDoc, type PlanStep } from './run-model.js';
import { getRun, insertRun, newRunId, updateRun } from './run-store.js';
import { loadStep, lookupsStep, waitFor, type StepContext } from './run-steps.js';

/** One job per run and request: `<runId>:run:0`, `<runId>:rollback:0` (BullMQ takes a `:` id of three parts). */
const runJobId = (runId: string, what: 'run' | 'rollback') => `${runId}:${what}:0`;

/** Checks the plan against both orgs (objects, fields, filters, order) and queues its run; 400 before anything runs. */
export async function requestRun(services: Services, planId: string, body: unknown, actor: string): Promise<PlanRunDoc> {
  const request = RunRequest.parse(body ?? {});
  const plan = await getPlan(services.store, planId, request.version);
  const resolved = await resolvePlan(services, plan);
  const loads = resolved.objects.map((o): PlanStep => ({ object: o.object, pass: 'load', status: 'pending', unmapped: [] }));
  const withDeferred = resolved.objects.filter((o) => o.deferred.length > 0);
  const lookups = withDeferred.map((o): PlanStep => ({ object: o.object, pass: 'lookups', status: 'pending', unmapped: [] }));
  const now = new Date().toISOString();
  const run = await insertRun(services.store, {
    kind: 'planrun', runId: newRunId(), planId, planVersion: plan.version, planName: plan.name,
    sourceConnectionId: plan.sourceConnectionId, targetConnectionId: plan.targetConnectionId, dryRun: request.dryRun,
    state: 'queued', objects: resolved.objects, steps: [...loads, ...lookups], createdBy: actor, createdAt: now, updatedAt: now,
  });
  await services.producer.enqueue('plan.run', { planId, runId: run.runId }, { jobId: runJobId(run.runId, 'run') });
  return run;
}

/** Rolls back each object's migration, last first: a finished run that wrote something. */
export async function requestRollback(services: Services, planId: string, runId: string, actor: string): Promise<PlanRunDoc> {
  const run = await updateRun(services.store, planId, runId, (r) => {
    if (r.dryRun) throw new AppError('PLAN_RUN_STATE', 409, 'A dry run wrote nothing; there is nothing to roll back.');
    if (r.state !== 'completed' && r.state !== 'failed') {
      throw new AppError('PLAN_RUN_STATE', 409, `The run is ${r.state}; roll back needs a finished run.`);
    }
    return { ...r, state: 'rolling_back' };
  });
  logger('worker', { planId, runId }).info({ actor }, 'plan run roll back requested');
  await services.producer.enqueue('plan.run', { planId, runId }, { jobId: runJobId(runId, 'rollback') });
  return run;
}

const failureOf = (error: unknown) => ({
  code: isAppError(error) ? error.code : 'PLAN_STEP_FAILED',
  message: error instanceof Error ? error.message : String(error),
});

async function runSteps(services: Services, planId: string, runId: string): Promise<PlanRunDoc> {
  let run = await updateRun(services.store, planId, runId, (r) => ({ ...r, state: 'running' }));
  for (let at = 0; at < run.steps.length; at++) {
    if (['done', 'skipped'].includes(run.steps[at].status)) continue;
    const save: StepContext['save'] = async (patch) => {
      run = await updateRun(services.store, planId, runId, (r) => ({
        ...r, steps: r.steps.map((s, i) => (i === at ? { ...s, ...patch } : s)),
      }));
      return run.steps[at];
    };
    const ctx = { services, run, step: run.steps[at], save };
    try {
      await (run.steps[at].pass === 'load' ? loadStep(ctx) : lookupsStep(ctx));
    } catch (error) {
      // A step that cannot finish stops the run there: children would load without their parents.
      if (!isAppError(error) || error.status >= 500) throw error;
      await save({ status: 'failed', error: failureOf(error) });
      return updateRun(services.store, planId, runId, (r) => ({
        ...r, state: 'failed', error: failureOf(error), finishedAt: new Date().toISOString(),
      }));
    }
  }
  return updateRun(services.store, planId, runId, (r) => ({ ...r, state: 'completed', finishedAt: new Date().toISOString() }));
}

const ROLLBACK_FROM = new Set(['completed', 'cancelled', 'failed']);

/** Each step's migration rolled back, last step first, one at a time (a parent is removed after its children). */
async function rollBack(services: Services, run: PlanRunDoc): Promise<PlanRunDoc> {
  for (const step of [...run.steps].reverse()) {
    if (!step.migrationId) continue;
    const id = step.migrationId;
    const before = await getMigration(services, id);
    // Never started (created), or already undone: nothing of it to roll back.
    if (!ROLLBACK_FROM.has(before.state) && before.state !== 'rolling_back') continue;
    if (before.state !== 'rolling_back') await rollbackRequest(services, id, run.createdBy);
    await waitFor(() => getMigration(services, id), (m) => m.state !== 'rolling_back');
  }
  const finished = { state: 'rolled_back' as const, finishedAt: new Date().toISOString() };
  return updateRun(services.store, run.planId, run.runId, (r) => ({ ...r, ...finished }));
}

/**
 * What the `plan.run` job does: carries a run on from where its stored state says (finished steps are not redone,
 * a step's export and migration are picked up by id), or rolls it back when that was asked.
 */
export async function runPlan(services: Services, planId: string, runId: string, lastAttempt = false): Promise<PlanRunDoc> {
  const run = await getRun(services.store, planId, runId);
  try {
    if (run.state === 'rolling_back') return await rollBack(services, run);
    if (run.state === 'queued' || run.state === 'running') return await runSteps(services, planId, runId);
    return run;
  } catch (error) {
    // Retries carry the run on; when none is left, the run says why it stopped instead of staying "running".
    if (lastAttempt) {
      const failed = { state: 'failed' as const, error: failureOf(error), finishedAt: new Date().toISOString() };
      await updateRun(services.store, planId, runId, (r) => ({ ...r, ...failed }));
    }
    throw error;
  }
}
