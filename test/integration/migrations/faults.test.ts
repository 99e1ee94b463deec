import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, makeDataset, runMigration, emulatorRecords, setFaults, waitForState, type Harness } from './harness.js';
import { createMigration, startMigration, resumeMigration } from '../../../src/migrations/index.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };

describe('faults injected through the emulator end in the right states', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  const rowsFor = (tag: string, n: number) => Array.from({ length: n }, (_, i) => [`${tag}-${i}`, `Name ${i}`]);
  const countOf = async (tag: string) => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`)).length;

  for (const [label, faults, options] of [
    ['lock errors (Collections)', { lockRatio: 0.3 }, { maxAttempts: 8 }],
    ['lock errors (Bulk)', { lockRatio: 0.3 }, { maxAttempts: 8, apiMode: 'bulk', batchSize: 500 }],
    ['503 answers (Collections)', { status503: 0.3 }, { maxAttempts: 8 }],
    ['503 answers (Bulk)', { status503: 0.15 }, { maxAttempts: 10, apiMode: 'bulk', batchSize: 500 }],
    ['session expiry', { sessionExpiryAfter: 4 }, {}],
    ['Bulk jobs failing half way', { bulkFailRatio: 0.5 }, { maxAttempts: 8, apiMode: 'bulk', batchSize: 500 }],
  ] as const) {
    test(`${label}: completed, every row exactly once`, async () => {
      const tag = `f${Math.random().toString(36).slice(2, 8)}`;
      const datasetId = await makeDataset(h.services, ['ext', 'name'], rowsFor(tag, 1000));
      await setFaults(h.emulator, faults);
      try {
        const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping }, options }, 120_000);
        assert.equal(done.state, 'completed');
        assert.equal(done.totals.succeeded, 1000, JSON.stringify(done.totals));
      } finally {
        await setFaults(h.emulator, { lockRatio: 0, status503: 0, sessionExpiryAfter: 0, bulkFailRatio: 0 });
      }
      assert.equal(await countOf(tag), 1000);
    });
  }

  test('Bulk upsert over existing records under 10 % 503s and 5 % lock errors: completed, every row exactly once', async () => {
    const tag = `u${Math.random().toString(36).slice(2, 8)}`;
    const rows = 5000;
    // Half the rows exist already, so the before-images read records (many SOQL queries, each of which may get a 503).
    const existing = await makeDataset(h.services, ['ext', 'name'], rowsFor(tag, rows / 2));
    const seeded = await runMigration(h.services, { datasetId: existing, object: 'Account', operation: 'insert', template: { mapping }, options: { apiMode: 'bulk' } });
    assert.equal(seeded.totals.succeeded, rows / 2);
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rowsFor(tag, rows).map(([ext, name]) => [ext, `${name} (upserted)`]));
    await setFaults(h.emulator, { latency: 30, status503: 0.1, lockRatio: 0.05 });
    let done;
    try {
      const request = { datasetId, object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', template: { mapping } };
      done = await runMigration(h.services, { ...request, options: { apiMode: 'bulk', batchSize: 2500, maxAttempts: 10 } }, 240_000);
    } finally {
      await setFaults(h.emulator, { latency: 0, status503: 0, lockRatio: 0 });
    }
    assert.equal(done.state, 'completed', JSON.stringify(done.error));
    assert.equal(done.totals.succeeded, rows, JSON.stringify(done.totals));
    assert.equal(done.totals.created, rows / 2);
    const mine = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
    assert.equal(mine.length, rows);
    assert.equal(new Set(mine.map((r) => r.External_Id__c)).size, rows, 'no duplicates');
    assert.ok(mine.every((r) => String(r.Name).endsWith('(upserted)')));
  });

  test('daily API limit exhausted: the run pauses itself, then resumes and completes', async () => {
    const tag = `l${Math.random().toString(36).slice(2, 8)}`;
    const datasetId = await makeDataset(h.services, ['ext', 'name'], rowsFor(tag, 300));
    await fetch(`${h.emulator.url}/__emulator/api-usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ used: 100_000 }) });
    const doc = await createMigration(h.services, { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping } }, 'test');
    await startMigration(h.services, doc._id, 'test');
    const paused = await waitForState(h.services, doc._id, ['paused']);
    assert.match(String(paused.pauseReason), /API_BUDGET/);
    assert.equal(paused.pauseMessage?.key, 'migrations.reason.budgetShort', 'the page says the reason in the reader\'s language');
    assert.equal(await countOf(tag), 0);
    await fetch(`${h.emulator.url}/__emulator/api-usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ used: 0 }) });
    await resumeMigration(h.services, doc._id, 'test');
    const done = await waitForState(h.services, doc._id, ['completed', 'failed']);
    assert.equal(done.totals.succeeded, 300);
    assert.equal(await countOf(tag), 300);
  });
});
