import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getValidation } from '../../../src/preflight/index.js';
import { connectOrg, load, queryAll, runSettled, startTwoOrgs, type TwoOrgs } from './support.js';

const ACCOUNTS = 9;
/** Account i's record type in the source: Customer, Partner, Reseller in turn; the target has no Reseller. */
const TYPE_OF = ['Customer', 'Partner', 'Reseller'];
const MISSING = Math.ceil((ACCOUNTS - 2) / 3);

interface TypeRow extends Record<string, unknown> { Id: string; DeveloperName: string; SobjectType: string }
interface CopiedRow extends Record<string, unknown> {
  External_Id__c: string;
  RecordTypeId: string;
  RecordType: { DeveloperName: string };
}

describe('org-to-org plans map record types by DeveloperName', () => {
  let h: TwoOrgs;
  let planId: string;

  const typeIds = async (conn: TwoOrgs['source']['conn']) => {
    const types = await queryAll<TypeRow>(conn, 'SELECT Id, DeveloperName, SobjectType FROM RecordType');
    return new Map(types.map((t) => [`${t.SobjectType}.${t.DeveloperName}`, t.Id]));
  };

  /**
   * The source by a connection of its own, not `local`: describes are cached per connection id, and every test's Local
   * org is `local` (this one's has record types, others' not).
   */
  let sourceConnectionId: string;

  before(async () => {
    h = await startTwoOrgs(true, {
      source: {
        recordTypes: [
          ...TYPE_OF.map((developerName) => ({ sobjectType: 'Account', developerName })),
          { sobjectType: 'Contact', developerName: 'Customer' },
          { sobjectType: 'Lead', developerName: 'Web' },
        ],
      },
      // Other types first and another order: the same names have other Ids here.
      target: {
        recordTypes: [
          { sobjectType: 'Account', developerName: 'Internal', isDefault: true },
          { sobjectType: 'Contact', developerName: 'Customer' },
          { sobjectType: 'Account', developerName: 'Partner' },
          { sobjectType: 'Account', developerName: 'Customer' },
        ],
      },
    });
    sourceConnectionId = await connectOrg(h.services, h.app, h.source, 'Source org');
    const ids = await typeIds(h.source.conn);
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => [`A-${i}`, `Acct ${i}`, ids.get(`Account.${TYPE_OF[i % 3]}`) as string]);
    const accountIds = await load(h.source.conn, 'Account', 'insert', ['External_Id__c', 'Name', 'RecordTypeId'], accounts);
    const contacts = accountIds.map((id, i) => [`C-${i}`, `Smith ${i}`, id, ids.get('Contact.Customer') as string]);
    await load(h.source.conn, 'Contact', 'insert', ['External_Id__c', 'LastName', 'AccountId', 'RecordTypeId'], contacts);
    const plan = await h.post('/api/v1/plans').send({
      name: 'Record types', sourceConnectionId, targetConnectionId: h.targetConnectionId,
      objects: [
        { object: 'Account', fields: ['Name', 'RecordTypeId'], operation: 'upsert', externalIdField: 'External_Id__c' },
        // No fields: every copyable one, RecordTypeId included.
        { object: 'Contact', operation: 'upsert', externalIdField: 'External_Id__c' },
      ],
    });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    planId = plan.body.id as string;
  });
  after(async () => h.close());

  it('refuses RecordTypeId on an object without record types in either org, naming it', async () => {
    const refusal = async (object: string, fields: string[]) => {
      const res = await h.post('/api/v1/plans').send({
        name: 'No record types', sourceConnectionId, targetConnectionId: h.targetConnectionId,
        objects: [{ object, fields: [...fields, 'RecordTypeId'] }],
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'PLAN_FIELD_MISSING');
      return res.body.error.message as string;
    };
    assert.match(await refusal('Case', ['Subject']), /source's Case has no record types/);
    assert.match(await refusal('Lead', ['LastName', 'Company']), /target's Lead has no field RecordTypeId/);
  });

  it('a dry run finds the rows whose record type the target lacks and writes nothing', async () => {
    const started = await h.post(`/api/v1/plans/${planId}/runs`).send({ dryRun: true }).expect(202);
    const run = await runSettled(h, planId, started.body.id as string);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    const loads = run.steps.filter((s) => s.pass === 'load');
    assert.deepEqual(loads.map((s) => [s.object, s.invalid]), [['Account', MISSING], ['Contact', 0]]);
    const validation = await getValidation(h.services.store, run.steps[0].validationId as string);
    assert.match(JSON.stringify(validation.report), /RECORD_TYPE_MISSING/);
    assert.equal((await queryAll(h.target.conn, "SELECT Id FROM Account WHERE External_Id__c LIKE 'A-%'")).length, 0);
  });

  it('writes each record with the target record type of the same object and name; a missing one fails its row', async () => {
    const started = await h.post(`/api/v1/plans/${planId}/runs`).send({}).expect(202);
    const run = await runSettled(h, planId, started.body.id as string);
    assert.equal(run.state, 'completed', JSON.stringify(run));
    const [accountStep, contactStep] = run.steps;
    assert.deepEqual(accountStep.totals, { rows: ACCOUNTS, succeeded: ACCOUNTS - MISSING, failed: MISSING });
    assert.deepEqual(contactStep.totals, { rows: ACCOUNTS, succeeded: ACCOUNTS, failed: 0 });

    const [source, target] = [await typeIds(h.source.conn), await typeIds(h.target.conn)];
    assert.notEqual(source.get('Account.Customer'), target.get('Account.Customer'));
    const accounts = await queryAll<CopiedRow>(h.target.conn, "SELECT External_Id__c, RecordTypeId, RecordType.DeveloperName FROM Account WHERE External_Id__c LIKE 'A-%'");
    assert.equal(accounts.length, ACCOUNTS - MISSING);
    for (const a of accounts) {
      const name = TYPE_OF[Number(a.External_Id__c.slice(2)) % 3];
      assert.notEqual(name, 'Reseller');
      assert.equal(a.RecordTypeId, target.get(`Account.${name}`), a.External_Id__c);
    }
    const contacts = await queryAll<CopiedRow>(h.target.conn, 'SELECT External_Id__c, RecordTypeId, RecordType.DeveloperName FROM Contact');
    assert.equal(contacts.length, ACCOUNTS);
    assert.ok(contacts.every((c) => c.RecordTypeId === target.get('Contact.Customer')));

    // The failed rows say why, naming the code, the object and the developer name.
    const errors = await h.get(`/api/v1/migrations/${accountStep.migrationId}/results/errors.csv`).expect(200);
    const lines = errors.text.trim().split('\n').slice(1);
    assert.equal(lines.length, MISSING);
    for (const line of lines) {
      assert.match(line, /RECORD_TYPE_MISSING/);
      assert.match(line, /no active Account record type with DeveloperName 'Reseller'/);
    }
  });
});
