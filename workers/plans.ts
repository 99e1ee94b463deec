import { runPlan } from '../src/org-plans/index.js';
import { isLastAttempt } from './attempts.js';
import type { Processor } from './registry.js';

/** An org-to-org plan run, object by object, or its roll back; the run document holds where it stands. */
export const planRun: Processor<'plan.run'> = async (payload, { job, services }) => {
  const run = await runPlan(services, payload.planId, payload.runId, isLastAttempt(job));
  return { state: run.state };
};
