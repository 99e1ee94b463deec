import { test, describe, before, after } from 'node:test';
import { startHarness, type Harness } from './harness.js';
import { assertCompletedExactly, runKillSeries, BULK_KILL_CASES, type KillCase } from '../../support/kill-series.js';

/**
 * Workers die every 1-4 s for the first minute of each run (dozens of kills, through planning, before-images, Bulk
 * jobs and results); then the last worker started lives, and the run must end within the bound. Kills through whole
 * 100,000-row runs are bench/chaos's job: here a CI machine's speed must not decide the outcome.
 */
const KILLS_FOR_MS = 60_000;
const BOUND_MS = 240_000;

const CASES: KillCase[] = [
  ...BULK_KILL_CASES,
  { label: 'Collections', rows: 2000, operation: 'insert', options: { apiMode: 'collections', batchSize: 200 }, latencyMs: 300 },
];

/**
 * Worker processes killed with SIGKILL every 1-4 s, a new one started each time, through whole runs: every run ends
 * (the engine revives what BullMQ gives up on), the org holds exactly one record per row, and every one of them is
 * in the run's success file.
 */
describe('runs through a series of worker kills', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ workers: false }); });
  after(async () => { await h.close(); });

  for (const kase of CASES) {
    test(`${kase.label} of ${kase.rows} rows: completed exactly, every record listed`, async () => {
      const result = await runKillSeries(h.services, h.emulator, kase, BOUND_MS, { kills: true, killsForMs: KILLS_FOR_MS });
      assertCompletedExactly(result, kase, BOUND_MS);
    });
  }
});
