import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  exportJobId, failedState, findDataset, insertDataset, newDatasetId, sweepDatasets, writeEndState,
} from '../../../src/datasets/index.js';
import { createExport } from '../../../src/exports/index.js';
import { createMigration, getMigration, startMigration } from '../../../src/migrations/index.js';
import { allRows, seed, settled, startExportHarness, type ExportHarness } from './support.js';

const ACCOUNTS = 12_345;

describe('exports from the Local org', () => {
  let h: ExportHarness;
  let accountIds: string[];
  let contactIds: string[];

  before(async () => {
    // Small Bulk pages, so that a 12,345-record export is several Sforce-Locator pages.
    h = await startExportHarness({ bulkQueryPageSize: 4000 });
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => [`Acct ${String(i).padStart(5, '0')}`, `N-${i}`, i % 3 === 0 ? 'Energy' : 'Retail']);
    accountIds = await seed(h.conn, 'Account', ['Name', 'AccountNumber', 'Industry'], accounts);
    const contacts = Array.from({ length: 30 }, (_, i) => [`Smith ${i}`, accountIds[i], `s${i}@example.com`]);
    contactIds = await seed(h.conn, 'Contact', ['LastName', 'AccountId', 'Email'], contacts);
  });
  after(async () => h.close());

  it('exports a large result through Bulk API 2.0, every page, every record once, in chunks with a profile', async () => {
    const started = await h.post('/api/v1/exports')
      .send({ object: 'Account', fields: ['Id', 'Name', 'AccountNumber', 'Industry'], orderBy: 'AccountNumber' })
      .expect(202);
    assert.equal(started.body.status, 'exporting');
    assert.deepEqual(started.body.columns, ['Id', 'Name', 'AccountNumber', 'Industry']);
    const done = await settled(h, started.body.id);
    assert.equal(done.status, 'ready', JSON.stringify(done.error));
    assert.equal(done.source?.api, 'bulk');
    assert.equal(done.source?.totalRows, ACCOUNTS);
    assert.equal(done.rowCount, ACCOUNTS);
    const rows = await allRows(h, done.id);
    assert.deepEqual(new Set(rows.map((r) => r[0])), new Set(accountIds));
    const byId = new Map(rows.map((r) => [r[0], r]));
    assert.deepEqual(byId.get(accountIds[7]), [accountIds[7], 'Acct 00007', 'N-7', 'Retail']);
    assert.equal(done.profile.find((p) => p.name === 'Industry')?.count, ACCOUNTS);
    // The Bulk query job is deleted once its results are stored.
    const job = await fetch(`${h.emulator.url}/services/data/v62.0/jobs/query/${done.source?.bulkJobId}`, {
      headers: { authorization: `Bearer ${h.conn.accessToken}` },
    });
    assert.equal(job.status, 404);
  });

  it('exports a small result through REST with relationship fields, a built filter and an order', async () => {
    const started = await h.post('/api/v1/exports')
      .send({
        object: 'Contact', fields: ['Id', 'LastName', 'Account.Name', 'Account.AccountNumber'],
        conditions: [{ field: 'LastName', operator: 'LIKE', value: 'Smith 1%' }, { field: 'Account.Industry', operator: '=', value: 'Energy' }],
        orderBy: 'LastName',
      })
      .expect(202);
    const done = await settled(h, started.body.id);
    assert.equal(done.status, 'ready', JSON.stringify(done.error));
    assert.equal(done.source?.api, 'rest');
    assert.match(done.source?.soql ?? '', /WHERE LastName LIKE 'Smith 1%' AND Account\.Industry = 'Energy' ORDER BY LastName$/);
    const rows = await allRows(h, done.id);
    // Smith 1, 10..19 whose account index is a multiple of 3 (Energy): 12, 15, 18.
    assert.deepEqual(rows, [12, 15, 18].map((i) => [contactIds[i], `Smith ${i}`, `Acct 000${i}`, `N-${i}`]));
  });

  it('Export All includes deleted records; a plain export does not', async () => {
    const gone = await h.conn.sobject('Contact').destroy([contactIds[28], contactIds[29]]);
    assert.ok(gone.every((r) => r.success));
    const soql = "SELECT Id, LastName, IsDeleted FROM Contact WHERE LastName LIKE 'Smith 2%'";
    const [plain, all] = await Promise.all([
      h.post('/api/v1/exports').send({ soql, api: 'bulk' }).expect(202),
      h.post('/api/v1/exports').send({ soql, api: 'bulk', queryAll: true }).expect(202),
    ]);
    const plainRows = await allRows(h, (await settled(h, plain.body.id)).id);
    const allDone = await settled(h, all.body.id);
    assert.equal(allDone.source?.queryAll, true);
    const allRowsOf = await allRows(h, allDone.id);
    // Smith 2 and Smith 20..29: 11 contacts, two of them deleted.
    assert.equal(plainRows.length, 9);
    assert.equal(allRowsOf.length, 11);
    assert.deepEqual(allRowsOf.filter((r) => r[2] === 'true').map((r) => r[0]).sort(), [contactIds[28], contactIds[29]].sort());
  });

  it('refuses a query that describe rejects before anything runs, saying where', async () => {
    const before = (await h.get('/api/v1/datasets').expect(200)).body.datasets.length;
    const badField = await h.post('/api/v1/exports').send({ soql: 'SELECT Id, Name FROM Account WHERE Industri = \'Energy\'' }).expect(400);
    assert.equal(badField.body.error.code, 'SOQL_INVALID');
    assert.match(badField.body.error.message, /INVALID_FIELD/);
    assert.match(badField.body.error.message, /ERROR at Row:1:Column:36/);
    assert.match(badField.body.error.message, /No such column 'Industri' on entity 'Account'/);
    const badType = await h.post('/api/v1/exports/check').send({ object: 'Account', fields: ['Id'], where: 'NumberOfEmployees = \'ten\'' }).expect(400);
    assert.match(badType.body.error.message, /value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes/);
    const badRelation = await h.post('/api/v1/exports/check').send({ object: 'Contact', fields: ['Id', 'Acount.Name'] }).expect(400);
    assert.match(badRelation.body.error.message, /Didn't understand relationship 'Acount'/);
    const badCondition = await h.post('/api/v1/exports').send({
      object: 'Account', fields: ['Id'], conditions: [{ field: 'NumberOfEmployees', operator: '>', value: 'many' }],
    }).expect(400);
    assert.equal(badCondition.body.error.code, 'EXPORT_CONDITION_INVALID');
    assert.match(badCondition.body.error.message, /Condition 1 \(NumberOfEmployees >\): "many" is not a number/);
    const subquery = await h.post('/api/v1/exports/check').send({ soql: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account' }).expect(400);
    assert.match(subquery.body.error.message, /EXPORT_UNSUPPORTED/);
    const after = (await h.get('/api/v1/datasets').expect(200)).body.datasets.length;
    assert.equal(after, before);
    const checked = await h.post('/api/v1/exports/check').send({ soql: 'select id, account.name from contact c where c.Email != null' }).expect(200);
    assert.deepEqual(checked.body.columns, ['Id', 'Account.Name']);
    assert.equal(checked.body.object, 'Contact');
  });

  it('an org that answers 503 for a while: the reads are tried again and the export completes with every record', async () => {
    await fetch(`${h.emulator.url}/__emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status503Next: 3 }),
    });
    const started = await h.post('/api/v1/exports').send({ object: 'Account', fields: ['Id'], where: "Industry = 'Energy'", api: 'bulk' }).expect(202);
    const done = await settled(h, started.body.id, 90_000);
    assert.equal(done.status, 'ready', JSON.stringify(done.error));
    assert.equal(done.rowCount, Math.ceil(ACCOUNTS / 3));
    const ids = (await allRows(h, done.id)).map((r) => r[0]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('the export page: fields from describe with parent fields, a refusal shown on the form, a start that leads to the dataset', async () => {
    const form = await h.get('/exports/new?connectionId=local&object=contact').set('accept', 'text/html').expect(200);
    assert.match(form.text, /value="LastName"/);
    assert.match(form.text, /value="Account\.Name"/);
    const refused = await h.post('/exports').type('form').set('accept', 'text/html')
      .send({ connectionId: 'local', object: 'Contact', fields: ['Id', 'LastName'], conditionField: 'Emial', conditionOperator: '=', conditionValue: 'x' })
      .expect(400);
    assert.match(refused.text, /Condition 1 \(Emial =\): No such column &#39;Emial&#39; on entity &#39;Contact&#39;/);
    const started = await h.post('/exports').type('form').set('accept', 'text/html')
      .send({ connectionId: 'local', object: 'Contact', fields: ['Id', 'Account.Name'], conditionField: ['LastName', ''], conditionOperator: ['=', '='],
        conditionValue: ['Smith 3', ''], queryAll: 'true' })
      .expect(303);
    const id = String(started.headers.location).replace('/datasets/', '');
    const done = await settled(h, id);
    assert.equal(done.source?.queryAll, true);
    assert.deepEqual(await allRows(h, id), [[contactIds[3], 'Acct 00003']]);
    const page = await h.get(`/datasets/${id}`).set('accept', 'text/html').expect(200);
    assert.match(page.text, /download\?format=parquet/);
    assert.match(page.text, /SELECT Id, Account\.Name FROM Contact WHERE LastName = &#39;Smith 3&#39;/);
  });

  it('an export whose job is gone is failed by the dataset sweeper, not left exporting', async () => {
    const now = new Date().toISOString();
    const source = {
      kind: 'salesforce-query' as const, connectionId: 'local', object: 'Account', soql: 'SELECT Id FROM Account', queryAll: false,
      requestedApi: 'auto' as const,
    };
    // An export whose job never reached the queue (a web process that died between the two writes).
    const doc = await insertDataset(h.services.store, {
      _id: newDatasetId(), kind: 'dataset', name: 'lost export', fileName: 'Account.csv', sizeBytes: 0, blobId: '', uploadedBy: 'test',
      createdAt: now, updatedAt: now, status: 'exporting', source, parseOptions: {}, columns: ['Id'], headerRenames: [],
      rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
    });
    const report = await sweepDatasets(h.services, Date.now() + 60_000);
    assert.deepEqual(report.failed.filter((f) => f.id === doc._id), [{ id: doc._id, code: 'PARSE_ABANDONED' }]);
    const swept = await findDataset(h.services.store, doc._id);
    assert.equal(swept?.status, 'failed');
    assert.match(swept?.error?.message ?? '', /^The export stopped and will not resume: its job is gone from the queue\. Start the export again/);
  });

  it('an exported dataset is the source of a migration like an upload (both its REST and its Bulk chunks)', async () => {
    const soql = "SELECT Name, AccountNumber, Industry FROM Account WHERE Name LIKE 'Acct 0001%'";
    const datasets = [];
    for (const api of ['rest', 'bulk'] as const) {
      const started = await h.post('/api/v1/exports').send({ soql, api }).expect(202);
      datasets.push({ api, dataset: await settled(h, started.body.id) });
    }
    for (const { api, dataset } of datasets) {
      assert.equal(dataset.rowCount, 10, api); // Acct 00010 .. 00019
      const mapping = {
        object: 'Account',
        fields: [{ column: 'Name', field: 'Name' }, { column: 'AccountNumber', field: 'AccountNumber' }, { column: 'Industry', field: 'Industry' }],
      };
      const created = await createMigration(h.services, {
        connectionId: 'local', datasetId: dataset.id, object: 'Account', operation: 'insert', template: { mapping },
      }, 'test');
      await startMigration(h.services, created._id, 'test');
      let migration = await getMigration(h.services, created._id);
      for (const deadline = Date.now() + 60_000; !['completed', 'failed'].includes(migration.state) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 100));
        migration = await getMigration(h.services, created._id);
      }
      assert.equal(migration.state, 'completed', api);
      assert.equal(migration.totals.succeeded, 10, api);
    }
    const copies = await h.conn.query<{ Id: string }>("SELECT Id FROM Account WHERE Name LIKE 'Acct 0001%'");
    assert.equal(copies.totalSize, 30, 'the 10 originals and two copies of each');
  });

  it('an export failed meanwhile (by the sweeper) is not revived by its still running job', async () => {
    await fetch(`${h.emulator.url}/__emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency: 300 }),
    });
    try {
      const doc = await createExport(h.services, { object: 'Account', fields: ['Id', 'Name'], api: 'bulk' }, 'test');
      // Salesforce has run the query (its total is recorded) and the pages are being read, 300 ms a request.
      for (const deadline = Date.now() + 60_000; ;) {
        if ((await findDataset(h.services.store, doc._id))?.source?.totalRows !== undefined) break;
        assert.ok(Date.now() < deadline, 'the export never started');
        await new Promise((r) => setTimeout(r, 20));
      }
      const failure = { code: 'PARSE_STALLED', message: 'The export made no progress for 15 minutes and was stopped.' };
      const failed = await writeEndState(h.services.store, doc._id, (current) =>
        (current.status === 'exporting' ? failedState(current, failure) : undefined));
      assert.ok(failed, 'the dataset was still exporting when it was failed');
      const job = await h.services.producer.queue('datasets').getJob(exportJobId(doc));
      assert.ok(job);
      for (const deadline = Date.now() + 60_000; !(await job.isCompleted()) && !(await job.isFailed());) {
        assert.ok(Date.now() < deadline, 'the export job never ended');
        await new Promise((r) => setTimeout(r, 50));
      }
      const after = await findDataset(h.services.store, doc._id);
      assert.equal(after?.status, 'failed');
      assert.equal(after?.error?.code, 'PARSE_STALLED');
    } finally {
      await fetch(`${h.emulator.url}/__emulator/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency: 0 }),
      });
    }
  });
});
