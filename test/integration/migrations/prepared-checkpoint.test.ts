import { test, describe, before, after } from 'node:test';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { createMigration } from '../../../src/migrations/index.js';
import { storeBatches } from '../../../src/migrations/plan.js';
import { keepPrepared, readPrepared } from '../../../src/migrations/prepared-store.js';
import { attachToBatch, getBatch, outcomesAttachment, readOutcomes, saveBatch } from '../../../src/migrations/store.js';
import { Mapping, mappingTargets } from '../../../src/mapping/index.js';
import type { PreparedBatch, PreparedRow } from '../../../src/migrations/prepare.js';
import type { RowOutcome } from '../../../src/migrations/outcomes.js';
import { startHarness, makeDataset, accountMapping, runMigration, type Harness } from './harness.js';

const TARGETS = mappingTargets(Mapping.parse(accountMapping()));

/** The prepared rows a batch keeps for a worker that resumes it after a kill (docs/migrations.md, "Crash safety"). */
describe('prepared rows checkpoint', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ workers: false }); });
  after(async () => { await h.close(); });

  test('a batch read again after later saves gives back the upload lines it was prepared with, and its outcomes', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], [['Acme, Inc.', 'Town'], ['', 'Town'], ['Globex', '']]);
    const migration = await createMigration(h.services, { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping() } }, 'test');
    await storeBatches(h.services, migration._id, [{ batch: 0, fromRow: 1, toRow: 3, chunks: [0] }], 'bulk');
    const prepared: PreparedBatch = {
      form: 'lines',
      rows: [{ row: 1, line: '"Acme, Inc.",Town', gaps: 0 }, { row: 3, line: 'Globex,', gaps: 1 }],
      decided: new Map([[2, { status: 'fail', code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] }]]),
    };
    const kept = await keepPrepared(h.services, await getBatch(h.services, migration._id, 0), prepared);
    // The saves that follow (a Bulk job recorded, outcomes stored) keep the checkpoint as it was.
    const outcomes = new Map<number, RowOutcome>([[1, { status: 'ok', id: '001000000000001AAA', created: true }], ...prepared.decided]);
    await saveBatch(h.services, { ...kept, state: 'running' }, outcomesAttachment(outcomes));

    const resumed = await getBatch(h.services, migration._id, 0);
    assert.equal(resumed.state, 'running');
    const back = await readPrepared(h.services, resumed, TARGETS);
    assert.deepEqual(back, prepared);
    assert.deepEqual([...(await readOutcomes(h.services, resumed))], [...outcomes]);
  });

  test('a Collections batch keeps its records; a Bulk batch whose records older code stored reads them back as upload lines', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], [['Acme, Inc.', 'Town'], ['Globex', '']]);
    const records: PreparedRow[] = [{ row: 1, record: { Name: 'Acme, Inc.', BillingCity: 'Town' } }, { row: 2, record: { Name: 'Globex' } }];
    for (const apiMode of ['collections', 'bulk'] as const) {
      const migration = await createMigration(h.services, { connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping() } }, 'test');
      await storeBatches(h.services, migration._id, [{ batch: 0, fromRow: 1, toRow: 2, chunks: [0] }], apiMode);
      // As older code stored every batch's checkpoint: [row, record] pairs.
      const older = gzipSync(JSON.stringify({ rows: records.map((r) => [r.row, r.record]), decided: [] }));
      const stored = await getBatch(h.services, migration._id, 0);
      await attachToBatch(h.services, stored, 'prepared.json.gz', older);
      const back = await readPrepared(h.services, await getBatch(h.services, migration._id, 0), TARGETS);
      assert.deepEqual(back, apiMode === 'collections'
        ? { form: 'records', rows: records, decided: new Map() }
        : { form: 'lines', rows: [{ row: 1, line: '"Acme, Inc.",Town', gaps: 0 }, { row: 2, line: 'Globex,', gaps: 1 }], decided: new Map() });
      if (apiMode === 'collections') {
        await keepPrepared(h.services, await getBatch(h.services, migration._id, 0), { form: 'records', rows: records, decided: new Map() });
        assert.deepEqual((await readPrepared(h.services, await getBatch(h.services, migration._id, 0), TARGETS))?.rows, records);
      }
    }
  });
});

/** Which runs keep the checkpoint: those whose records a second preparation could change (docs/migrations.md). */
describe('prepared rows kept only when preparing again could differ', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  const rows = [['Acme', 'Town'], ['Globex', 'City'], ['Acme', 'Elsewhere']];
  const attachmentsOf = async (id: string) => Object.keys((await getBatch(h.services, id, 0))._attachments ?? {}).sort();

  test('a plain mapping (and steps that depend on the rows alone): no checkpoint, every row written', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    const pipeline = [{ op: 'trim', columns: ['name'] }, { op: 'case', columns: ['city'], mode: 'upper' }];
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping(), pipeline } });
    assert.equal(done.state, 'completed');
    assert.equal(done.totals.succeeded, 3);
    assert.deepEqual(await attachmentsOf(done._id), ['outcomes.json.gz']);
  });

  test('a dedupe step (its seen keys live in Redis): the checkpoint is kept', async () => {
    const datasetId = await makeDataset(h.services, ['name', 'city'], rows);
    const pipeline = [{ op: 'dedupe', keys: ['name'] }];
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping(), pipeline } });
    assert.equal(done.state, 'completed');
    assert.equal(done.totals.succeeded, 2);
    assert.deepEqual(await attachmentsOf(done._id), ['outcomes.json.gz', 'prepared.json.gz']);
  });
});
