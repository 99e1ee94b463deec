import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { getMigration } from '../../../src/migrations/index.js';
import { connectOrg, load, queryAll, runSettled, startTwoOrgs, type RunBody, type TwoOrgs } from './support.js';

/** Both orgs have the custom object `Invoice__c` (key prefix a0X) from this describe file. */
const describeDir = fileURLToPath(new URL('../../fixtures/describe', import.meta.url));
const ACCOUNTS = 60;
const INVOICES = ACCOUNTS * 2;
const TARGET_OWN = 5;

/** Invoice j: Account j mod N; Contact 7j mod N (another account's), none for every fifth invoice. */
const invoiceOf = (j: number) => ({
  account: `A-${j % ACCOUNTS}`,
  contact: j % 5 === 4 ? null : `C-${(j * 7) % ACCOUNTS}`,
  amount: j + 0.5,
});

interface InvoiceRow extends Record<string, unknown> {
  Id: string;
  External_Id__c: string;
  Name: string;
  Amount__c: number;
  Account__r: { External_Id__c: string } | null;
  Contact__r: { External_Id__c: string } | null;
}
const INVOICE_SOQL = 'SELECT Id, External_Id__c, Name, Amount__c, Account__r.External_Id__c, Contact__r.External_Id__c '
  + "FROM Invoice__c WHERE External_Id__c LIKE 'I-%'";

const count = async (h: TwoOrgs, object: string) => (await queryAll(h.target.conn, `SELECT Id FROM ${object}`)).length;

describe('org-to-org plans with a custom child object (Invoice__c)', () => {
  let h: TwoOrgs;
  let planId: string;
  let firstRun: RunBody;

  /** Every invoice once in the target, its lookups pointing at the copies of its source parents (by external id). */
  const assertInvoices = async (): Promise<InvoiceRow[]> => {
    const copied = await queryAll<InvoiceRow>(h.target.conn, INVOICE_SOQL);
    assert.equal(copied.length, INVOICES);
    assert.equal(new Set(copied.map((r) => r.External_Id__c)).size, INVOICES);
    for (const r of copied) {
      const j = Number(r.External_Id__c.slice(2));
      const want = invoiceOf(j);
      assert.match(r.Id, /^a0X/);
      assert.equal(r.Name, `Invoice ${j}`);
      assert.equal(r.Amount__c, want.amount, r.External_Id__c);
      assert.equal(r.Account__r?.External_Id__c, want.account, r.External_Id__c);
      assert.equal(r.Contact__r?.External_Id__c ?? null, want.contact, r.External_Id__c);
    }
    return copied;
  };

  before(async () => {
    h = await startTwoOrgs(true, { source: { describeDir }, target: { describeDir } });
    // The target has accounts and invoices of its own first, so the same record has another Id there.
    const ownAccounts = await load(h.target.conn, 'Account', 'insert', ['External_Id__c', 'Name'],
      Array.from({ length: TARGET_OWN }, (_, i) => [`T-${i}`, `Target own ${i}`]));
    await load(h.target.conn, 'Invoice__c', 'insert', ['External_Id__c', 'Name', 'Account__c'],
      ownAccounts.map((id, i) => [`TI-${i}`, `Target invoice ${i}`, id]));

    const accountIds = await load(h.source.conn, 'Account', 'insert', ['External_Id__c', 'Name'],
      Array.from({ length: ACCOUNTS }, (_, i) => [`A-${i}`, `Acct ${i}`]));
    const contactIds = await load(h.source.conn, 'Contact', 'insert', ['External_Id__c', 'LastName', 'AccountId'],
      accountIds.map((id, i) => [`C-${i}`, `Smith ${i}`, id]));
    const invoices = Array.from({ length: INVOICES }, (_, j) => {
      const contact = j % 5 === 4 ? '' : contactIds[(j * 7) % ACCOUNTS];
      return [`I-${j}`, `Invoice ${j}`, String(invoiceOf(j).amount), accountIds[j % ACCOUNTS], contact];
    });
    const invoiceHeader = ['External_Id__c', 'Name', 'Amount__c', 'Account__c', 'Contact__c'];
    await load(h.source.conn, 'Invoice__c', 'insert', invoiceHeader, invoices);
  });
  after(async () => h.close());

  it('orders the custom object after both objects it looks up', async () => {
    // The source by a connection of its own: describes are cached per connection id, and `local` is shared by tests.
    const sourceConnectionId = await connectOrg(h.services, h.app, h.source, 'Source org');
    const upsert = { operation: 'upsert', externalIdField: 'External_Id__c' };
    const plan = await h.post('/api/v1/plans').send({
      name: 'Invoices', sourceConnectionId, targetConnectionId: h.targetConnectionId,
      objects: [
        // No fields: every copyable one (Name, Amount__c, Account__c, Contact__c, External_Id__c).
        { object: 'Invoice__c', ...upsert },
        { object: 'Contact', fields: ['LastName', 'AccountId'], ...upsert },
        { object: 'Account', fields: ['Name'], ...upsert },
      ],
    });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    planId = plan.body.id as string;
    const started = await h.post(`/api/v1/plans/${planId}/runs`).send({}).expect(202);
    const steps = started.body.steps.map((s: { object: string; pass: string }) => `${s.pass} ${s.object}`);
    assert.deepEqual(steps, ['load Account', 'load Contact', 'load Invoice__c']);
    firstRun = await runSettled(h, planId, started.body.id as string);
    assert.equal(firstRun.state, 'completed', JSON.stringify(firstRun));
    assert.deepEqual(firstRun.steps.map((s) => s.totals), [
      { rows: ACCOUNTS, succeeded: ACCOUNTS, failed: 0 },
      { rows: ACCOUNTS, succeeded: ACCOUNTS, failed: 0 },
      { rows: INVOICES, succeeded: INVOICES, failed: 0 },
    ]);
    assert.ok(firstRun.steps.every((s) => s.unmapped.length === 0), JSON.stringify(firstRun.steps));
  });

  it('lands every invoice once, its Account__c and Contact__c pointing at the right target records', async () => {
    const [source, copied] = [await queryAll<InvoiceRow>(h.source.conn, INVOICE_SOQL), await assertInvoices()];
    // Other Ids than the source's: the lookups were rewritten, not copied.
    const sourceIds = new Set(source.map((r) => r.Id));
    assert.ok(copied.every((r) => !sourceIds.has(r.Id)));
    assert.equal(await count(h, 'Invoice__c'), INVOICES + TARGET_OWN);
  });

  it('a second run with upsert changes nothing', async () => {
    const before = await queryAll<InvoiceRow>(h.target.conn, INVOICE_SOQL);
    const started = await h.post(`/api/v1/plans/${planId}/runs`).send({}).expect(202);
    const run = await runSettled(h, planId, started.body.id as string);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    const after = await assertInvoices();
    const byExternalId = (rows: InvoiceRow[]) => new Map(rows.map((r) => [r.External_Id__c, JSON.stringify(r)]));
    assert.deepEqual(byExternalId(after), byExternalId(before));
    const invoiceLoad = await getMigration(h.services, run.steps[2].migrationId as string);
    assert.deepEqual([invoiceLoad.totals.created, invoiceLoad.totals.succeeded], [0, INVOICES]);
    assert.deepEqual([await count(h, 'Account'), await count(h, 'Contact')], [ACCOUNTS + TARGET_OWN, ACCOUNTS]);
  });

  it('rolls back invoices first, then contacts, then accounts', async () => {
    await h.post(`/api/v1/plans/${planId}/runs/${firstRun.id}/rollback`).send({}).expect(202);
    const run = await runSettled(h, planId, firstRun.id);
    assert.equal(run.state, 'rolled_back', JSON.stringify(run));
    const rolledBackAt = await Promise.all(run.steps.map(async (s) => {
      const doc = await getMigration(h.services, s.migrationId as string);
      assert.equal(doc.state, 'rolled_back', s.object);
      return doc.history.find((e) => e.state === 'rolled_back')?.at ?? '';
    }));
    // Steps: Account, Contact, Invoice__c; rolled back in the opposite order.
    assert.deepEqual([...rolledBackAt].sort().reverse(), rolledBackAt);
    assert.equal(new Set(rolledBackAt).size, 3);
    const left = await queryAll<{ External_Id__c: string }>(h.target.conn, 'SELECT External_Id__c FROM Invoice__c');
    assert.deepEqual(left.map((r) => r.External_Id__c).sort(), Array.from({ length: TARGET_OWN }, (_, i) => `TI-${i}`));
    assert.deepEqual([await count(h, 'Account'), await count(h, 'Contact')], [TARGET_OWN, 0]);
  });
});
