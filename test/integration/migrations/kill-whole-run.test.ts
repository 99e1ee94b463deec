import { test, describe, before, after } from 'node:test';
import { startHarness, type Harness } from './harness.js';
import { assertCompletedExactly, runKillSeries, BULK_KILL_CASES } from '../../support/kill-series.js';

/**
 * Kills never stop: two workers, a random one SIGKILLed every 5 s (the first 1.5 s after a worker is ready) and replaced;
 * only a worker ready for 1.5 s is killed, so on a loaded machine (workers/index.ts through tsx takes 10-20 s to start
 * at a load average of 25) each worker lives long enough to take jobs back from the dead.
 */
const KILLS = { kills: true, pool: 2, everyMs: 5000, minLifeMs: 1500 } as const;
const BOUND_MS = 170_000;

const CASES = BULK_KILL_CASES;

/**
 * Workers killed through the whole run (issue 12): what a batch did before a kill is not done again (before-images
 * resume at the slice they lack, a Bulk job recorded is re-attached, never a second job for the same rows unless the
 * first was aborted before it processed anything), so the run ends while kills go on, exactly: one record per row,
 * every one in the success file, no revival counted against the batch while it moved on.
 */
describe('runs with workers killed through the whole run', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ workers: false }); });
  after(async () => { await h.close(); });

  for (const kase of CASES) {
    test(`${kase.label} of ${kase.rows} rows: completed while kills went on, exactly`, async () => {
      const result = await runKillSeries(h.services, h.emulator, kase, BOUND_MS, KILLS);
      assertCompletedExactly(result, kase, BOUND_MS);
    });
  }
});
