import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { getRun } from '../../../src/org-plans/index.js';
import { killHard, startWorkerProcess, withWorkerProcess } from '../../support/worker-process.js';
import { assertLookups, runSettled, seedSource, startTwoOrgs, targetCounts, type TwoOrgs } from './support.js';

const ACCOUNTS = 1000;

const setLatency = (url: string, latency: number) => fetch(`${url}/__emulator/faults`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency }),
});

/** kill -9 of the worker running a plan mid-way, then another worker: every record once, finished objects not redone. */
describe('a plan run whose worker is killed with SIGKILL mid-plan', () => {
  let h: TwoOrgs;
  before(async () => {
    h = await startTwoOrgs(false);
    await seedSource(h, ACCOUNTS);
  });
  after(async () => h.close());

  it('is carried on by another worker from its stored state and loses or doubles nothing', async () => {
    // Insert, not upsert: an object loaded twice would show as duplicates.
    const objects = [
      { object: 'Contact', fields: ['LastName', 'AccountId', 'External_Id__c'] },
      { object: 'Opportunity', fields: ['Name', 'StageName', 'CloseDate', 'AccountId', 'External_Id__c'] },
      { object: 'Account', fields: ['Name', 'ParentId', 'External_Id__c'] },
    ];
    const input = { name: 'Killed', sourceConnectionId: 'local', targetConnectionId: h.targetConnectionId, objects };
    const plan = await h.post('/api/v1/plans').send(input).expect(201);
    const env = { WORKER_LOCK_MS: '3000', SECRET_KEY: Buffer.alloc(32, 9).toString('base64') };
    const first = await startWorkerProcess(h.services.config, env);
    // Slow target writes, so the kill comes while an object after the first is being written.
    await setLatency(h.target.emulator.url, 30);
    const started = await h.post(`/api/v1/plans/${plan.body.id}/runs`).send({}).expect(202);
    const runId = started.body.id as string;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await getRun(h.services.store, plan.body.id, runId);
      if (run.steps[0].status === 'done' && run.steps[1].migrationId) break;
      assert.ok(Date.now() < deadline, `no progress before the kill: ${JSON.stringify(run.steps)}`);
      await sleep(50);
    }
    const beforeKill = await getRun(h.services.store, plan.body.id, runId);
    await killHard(first);
    await setLatency(h.target.emulator.url, 0);
    await withWorkerProcess(h.services.config, env, async () => {
      const run = await runSettled(h, plan.body.id, runId, 120_000);
      assert.equal(run.state, 'completed', JSON.stringify(run));
      // The finished Account load and the started Opportunity migration are the same ones after the kill.
      assert.equal(run.steps[0].migrationId, beforeKill.steps[0].migrationId);
      assert.equal(run.steps[1].migrationId, beforeKill.steps[1].migrationId);
      assert.deepEqual(await targetCounts(h), { accounts: ACCOUNTS, contacts: ACCOUNTS, opportunities: ACCOUNTS / 2 });
      await assertLookups(h, ACCOUNTS);
    });
  });
});
