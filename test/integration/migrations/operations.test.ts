import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, makeDataset, runMigration, emulatorRecords, waitForState, type Harness } from './harness.js';
import { createMigration, listBatches, rollbackRequest } from '../../../src/migrations/index.js';
import { jobResultLines, sessionFor } from '../../../src/salesforce/index.js';
import { saveTemplate, TemplateInput } from '../../../src/templates/index.js';
import type { AppError } from '../../../src/errors.js';

/** All five operations, small (Collections) and large (Bulk with the threshold lowered), plus a relationship column and roll back. */
describe('migration operations', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  test('a run from a saved template version (templateId) writes with its mapping and pipeline; an unknown one is a 404', async () => {
    const tag = `t${Date.now().toString(36)}`;
    const saved = await saveTemplate(h.services.store, TemplateInput.parse({
      name: `accounts-${tag}`, object: 'Account', operation: 'insert',
      mapping: { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] },
      pipeline: [{ op: 'case', columns: ['name'], mode: 'upper' }],
    }), 'test');
    const ds = await makeDataset(h.services, ['ext', 'name'], [[`${tag}-1`, 'müller gmbh'], [`${tag}-2`, 'acme']]);
    const done = await runMigration(h.services, { datasetId: ds, object: 'Account', operation: 'insert', templateId: saved._id });
    assert.equal(done.state, 'completed');
    assert.equal(done.templateId, saved._id);
    const written = (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
    assert.deepEqual(written.map((r) => r.Name).sort(), ['ACME', 'MÜLLER GMBH']);
    await assert.rejects(
      createMigration(h.services, { connectionId: 'local', datasetId: ds, object: 'Account', operation: 'insert', templateId: `template:missing-${tag}:000001` }, 'test'),
      (error: AppError) => error.status === 404 && error.message.includes(`missing-${tag}`),
    );
  });

  test('bulk: a column empty in every row of a batch is left out of its upload and sent by the batch that has it; quoted values arrive whole', async () => {
    const tag = `h${Date.now().toString(36)}`;
    const rows = [
      [`${tag} "quoted", name`, '', `${tag}-1`], [`${tag} two\r\nlines`, '', `${tag}-2`], [`${tag} plain`, '', `${tag}-3`],
      [`${tag} four`, 'Town, "Old"', `${tag}-4`], [`${tag} five`, '', `${tag}-5`], [`${tag} six`, '株式会社 🚀', `${tag}-6`],
    ];
    const datasetId = await makeDataset(h.services, ['name', 'city', 'ext'], rows);
    const mapping = { object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }, { column: 'ext', field: 'External_Id__c' }] };
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping }, options: { apiMode: 'bulk', batchSize: 3 } });
    assert.equal(done.state, 'completed');
    assert.equal(done.totals.succeeded, 6);
    const stored = new Map((await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`)).map((r) => [r.External_Id__c, r]));
    assert.deepEqual(rows.map(([, , ext]) => [stored.get(ext)?.Name, stored.get(ext)?.BillingCity ?? '']), rows.map(([name, city]) => [name, city]));
    // What each batch uploaded: its Bulk job's success file echoes the uploaded columns.
    const session = await sessionFor(h.services, 'local');
    const headers: string[] = [];
    for (const batch of await listBatches(h.services, done._id, done.batchCount)) {
      for await (const lines of jobResultLines(session, batch.bulkJobs[0].id, 'successfulResults')) { headers.push(lines[0]); break; }
    }
    assert.deepEqual(headers, ['"sf__Id","sf__Created",Name,External_Id__c', '"sf__Id","sf__Created",Name,BillingCity,External_Id__c']);
  });

  for (const mode of ['collections', 'bulk'] as const) {
    const n = mode === 'collections' ? 300 : 5000;
    const options = mode === 'bulk' ? { collectionsThreshold: 100, batchSize: 2000 } : {};
    test(`${mode}: insert, upsert, update, delete, hardDelete with a relationship column; roll back restores`, async () => {
      const tag = `${mode[0]}${Date.now().toString(36)}`;
      const accounts = Array.from({ length: n }, (_, i) => [`${tag}-A${i}`, `Account ${i}`]);
      const accDs = await makeDataset(h.services, ['ext', 'name'], accounts);
      const accMap = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };
      const inserted = await runMigration(h.services, { datasetId: accDs, object: 'Account', operation: 'insert', template: { mapping: accMap }, options });
      assert.equal(inserted.state, 'completed');
      assert.equal(inserted.apiMode, mode);
      assert.equal(inserted.totals.succeeded, n);
      const mine = async () => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
      assert.equal((await mine()).length, n);

      const contacts = Array.from({ length: n }, (_, i) => [`Last ${i}`, `${tag}-A${i}`]);
      const conDs = await makeDataset(h.services, ['last', 'account'], contacts);
      const conMap = { object: 'Contact', fields: [{ column: 'last', field: 'LastName' }], relationships: [{ column: 'account', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }] };
      const con = await runMigration(h.services, { datasetId: conDs, object: 'Contact', operation: 'insert', template: { mapping: conMap }, options });
      assert.equal(con.totals.succeeded, n, JSON.stringify(con.totals));
      const byId = new Map((await mine()).map((r) => [String(r.Id), String(r.External_Id__c)]));
      const linked = (await emulatorRecords(h.emulator, 'Contact')).filter((c) => byId.has(String(c.AccountId)));
      assert.equal(linked.length, n);

      const upsertRows = Array.from({ length: n }, (_, i) => [`${tag}-A${i}`, `Renamed ${i}`]);
      upsertRows.push([`${tag}-NEW`, 'Brand new']);
      const upDs = await makeDataset(h.services, ['ext', 'name'], upsertRows);
      const up = await runMigration(h.services, { datasetId: upDs, object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', template: { mapping: accMap }, options });
      assert.equal(up.totals.succeeded, n + 1);
      assert.equal(up.totals.created, 1);
      assert.equal((await mine()).filter((r) => String(r.Name).startsWith('Renamed')).length, n);

      await rollbackRequest(h.services, up._id, 'test');
      const rolled = await waitForState(h.services, up._id, ['rolled_back']);
      assert.deepEqual(rolled.rollback, { deleted: 1, restored: n, failed: 0 });
      const afterRollback = await mine();
      assert.equal(afterRollback.length, n);
      assert.equal(afterRollback.filter((r) => String(r.Name).startsWith('Account ')).length, n);

      const ids = afterRollback.map((r) => [String(r.Id), `Updated ${r.External_Id__c}`]);
      const updDs = await makeDataset(h.services, ['id', 'name'], ids);
      const upd = await runMigration(h.services, { datasetId: updDs, object: 'Account', operation: 'update', template: { mapping: { object: 'Account', fields: [{ column: 'id', field: 'Id' }, { column: 'name', field: 'Name' }] } }, options });
      assert.equal(upd.totals.succeeded, n);
      assert.equal((await mine()).filter((r) => String(r.Name).startsWith('Updated')).length, n);

      const half = Math.floor(n / 2);
      const idMap = { object: 'Account', fields: [{ column: 'id', field: 'Id' }] };
      const delDs = await makeDataset(h.services, ['id'], ids.slice(0, half).map(([id]) => [id]));
      const del = await runMigration(h.services, { datasetId: delDs, object: 'Account', operation: 'delete', template: { mapping: idMap }, options });
      assert.equal(del.totals.succeeded, half);
      const hardDs = await makeDataset(h.services, ['id'], ids.slice(half).map(([id]) => [id]));
      const hard = await runMigration(h.services, { datasetId: hardDs, object: 'Account', operation: 'hardDelete', template: { mapping: idMap }, options });
      assert.equal(hard.apiMode, 'bulk');
      assert.equal(hard.totals.succeeded, n - half);
      assert.equal((await mine()).length, 0);
    });
  }
});
