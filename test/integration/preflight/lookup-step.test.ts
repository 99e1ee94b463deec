import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyPipeline, frameFromRows, type PipelineStep, type Value } from '../../../src/frame/index.js';
import { OrgLookupResolver } from '../../../src/lookups/index.js';
import { connect, startHarness, writeDataset, type Harness } from './support.js';

/*
 * THE LOOKUP STEP AGAINST THE LOCAL ORG: parents are inserted first through jsforce, then rows find them by a
 * field of the parent (Account Name, Contact Email, a number), each distinct value asked once per run.
 */
describe('lookup step against the Local org', () => {
  let h: Harness;
  let conn: Awaited<ReturnType<typeof connect>>;
  const tag = randomBytes(3).toString('hex');
  const ids: Record<string, string> = {};

  before(async () => {
    h = await startHarness();
    conn = await connect(h.emulatorUrl);
    const accounts = [
      { Name: `Acme ${tag}`, NumberOfEmployees: 4200 },
      { Name: `O'Brien & Sons ${tag}` },
      { Name: `Twin ${tag}` },
      { Name: `Twin ${tag}` },
    ];
    const created = await conn.sobject('Account').create(accounts as never[]);
    created.forEach((result, i) => { ids[`account${i}`] = String(result.id); });
    const [contact] = await conn.sobject('Contact').create([{ LastName: 'Parent', Email: `ann.${tag}@example.com` }] as never[]);
    ids.contact = String(contact.id);
  });
  after(() => h.close());

  const byName: PipelineStep = { op: 'lookup', column: 'Company', object: 'Account', field: 'Name', into: 'AccountId' };

  test('two chunks of one run ask each distinct name once, matching as Salesforce does (case, quotes)', async () => {
    const resolver = new OrgLookupResolver(h.services, 'local');
    const first = frameFromRows(['Company'], [[`ACME ${tag}`], [`O'Brien & Sons ${tag}`], [`Acme ${tag}`], [null], ['  ']]);
    const second = frameFromRows(['Company'], [[`acme ${tag}`], [`Twin ${tag}`], [`Gone ${tag}`]], 6);
    const a = await applyPipeline(first, [byName], { lookups: resolver });
    assert.deepEqual(a.frame.data[1], [ids.account0, ids.account1, ids.account0, null, null]);
    assert.deepEqual(a.rowIssues, [], 'blank cells look up nothing');
    assert.equal(resolver.queries, 1);
    const b = await applyPipeline(second, [byName], { lookups: resolver });
    assert.deepEqual(b.frame.data[1], [ids.account0, null, null]);
    assert.deepEqual(b.rowIssues.map((i) => [i.row, i.column, i.code]), [[7, 'AccountId', 'LOOKUP_AMBIGUOUS'], [8, 'AccountId', 'LOOKUP_NOT_FOUND']]);
    assert.equal(b.rowIssues[1].message, `no Account has Name 'Gone ${tag}' (column Company)`);
    assert.equal(resolver.queries, 2, 'acme was known from the first chunk; only Twin and Gone were asked');
  });

  test('batches of one migration share the answers through Redis: a later batch on another worker asks nothing known', async () => {
    const shared = { key: `test:lookups:${tag}:${randomBytes(3).toString('hex')}`, ttlSeconds: 60 };
    const frame = () => frameFromRows(['Company'], [[`Acme ${tag}`], [`Gone ${tag}`]]);
    const first = new OrgLookupResolver(h.services, 'local', shared);
    const a = await applyPipeline(frame(), [byName], { lookups: first });
    const second = new OrgLookupResolver(h.services, 'local', shared);
    const b = await applyPipeline(frame(), [byName], { lookups: second });
    assert.deepEqual([first.queries, second.queries], [1, 0]);
    assert.deepEqual(b.frame.data[1], a.frame.data[1]);
    assert.deepEqual(b.frame.data[1], [ids.account0, null]);
    assert.deepEqual(b.rowIssues.map((i) => i.code), ['LOOKUP_NOT_FOUND'], 'a value no parent has is remembered too');
    const ttl = await h.services.redis.ttl(`${shared.key}:Account.Name`);
    assert.ok(ttl > 0 && ttl <= 60, 'the answers expire with the run');
  });

  test('by an email of Contact and by a number field; a value the field cannot hold is not found without a query', async () => {
    const resolver = new OrgLookupResolver(h.services, 'local');
    const frame = frameFromRows(['Manager', 'Size'], [[`ANN.${tag}@example.com`, '4200'], ['nobody@example.com', 'many']]);
    const steps: PipelineStep[] = [
      { op: 'lookup', column: 'Manager', object: 'Contact', field: 'Email', into: 'ReportsToId' },
      { op: 'lookup', column: 'Size', object: 'Account', field: 'NumberOfEmployees', into: 'ParentId' },
    ];
    const { frame: out, rowIssues } = await applyPipeline(frame, steps, { lookups: resolver });
    assert.deepEqual(out.data[2], [ids.contact, null]);
    assert.deepEqual(out.data[3], [ids.account0, null]);
    assert.deepEqual(rowIssues.map((i) => [i.row, i.column, i.code]), [[2, 'ReportsToId', 'LOOKUP_NOT_FOUND'], [2, 'ParentId', 'LOOKUP_NOT_FOUND']]);
    assert.equal(resolver.queries, 2, "'many' is no number: only 4200 was asked");
  });

  test('many distinct values go in several URL-sized queries and all come back', async () => {
    const names = Array.from({ length: 1200 }, (_, i) => `Bulk ${tag} ${String(i).padStart(5, '0')} ${'x'.repeat(12)}`);
    const created = await conn.sobject('Account').create(names.map((Name) => ({ Name })) as never[], { allowRecursive: true } as never);
    const resolver = new OrgLookupResolver(h.services, 'local');
    const { frame, rowIssues } = await applyPipeline(frameFromRows(['Company'], names.map((n): Value[] => [n])), [byName], { lookups: resolver });
    assert.deepEqual(rowIssues, []);
    assert.deepEqual(frame.data[1], created.map((r) => String(r.id)));
    assert.ok(resolver.queries >= 3, `${resolver.queries} queries for ${names.length} names of about 40 characters`);
  });

  test('a field the object does not have stops with its name', async () => {
    const resolver = new OrgLookupResolver(h.services, 'local');
    const step: PipelineStep = { ...byName, field: 'Nmae' } as PipelineStep;
    await assert.rejects(applyPipeline(frameFromRows(['Company'], [['x']]), [step], { lookups: resolver }), /Account has no field Nmae/);
  });

  test('the preview looks up with a connection; without one every name gets a remark and the page still answers', async () => {
    const datasetId = await writeDataset(h.services, ['Company'], [[`Acme ${tag}`], [`Nobody ${tag}`]]);
    const plain = await h.post('/api/v1/preview', { datasetId, pipeline: [byName] }).expect(200);
    assert.deepEqual(plain.body.rows.map((r: { values: Value[] }) => r.values), [[`Acme ${tag}`, null], [`Nobody ${tag}`, null]]);
    assert.deepEqual(plain.body.remarks.map((r: { code: string }) => r.code), ['LOOKUP_NO_CONNECTION', 'LOOKUP_NO_CONNECTION']);
    const connected = await h.post('/api/v1/preview', { datasetId, connectionId: 'local', pipeline: [byName] }).expect(200);
    assert.deepEqual(connected.body.rows.map((r: { values: Value[] }) => r.values[1]), [ids.account0, null]);
    assert.deepEqual(connected.body.remarks.map((r: { row: number; code: string }) => [r.row, r.code]), [[2, 'LOOKUP_NOT_FOUND']]);
  });
});
