import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { seed } from '../exports/support.js';
import { RedisStreamTarget } from '../../../src/transfers/targets/redis-stream.js';
import { writtenKeysOf } from '../../../src/transfers/targets/keyed-xadd.js';
import {
  REDIS_URL, ended, newRedis, readStream, transferSuite, waitForTransfer, type TransferHarness,
} from './support.js';

describe('a Salesforce query as a transfer source', () => {
  const suite = transferSuite();
  let h: TransferHarness;
  let redis: Redis;
  before(() => {
    ({ h, redis } = suite);
  });
  const stream = suite.stream;

  it('reads every row of a query in batches into a Redis Stream, relationship fields as text', async () => {
    const rows = Array.from({ length: 1250 }, (_, i) => [`Q-${String(i).padStart(4, '0')}`, `Q-${i}`, String(i)]);
    await seed(h.conn, 'Account', ['External_Id__c', 'Name', 'NumberOfEmployees'], rows);
    const target = stream('from-query');
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'salesforce-query', soql: "SELECT External_Id__c, Name, NumberOfEmployees, Owner.Name FROM Account WHERE Name LIKE 'Q-%'" },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
      batchSize: 300,
    }).expect(202);
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.deepEqual([done.counts.recordsIn, done.counts.recordsOut, done.counts.batches], [1250, 1250, 5]);
    assert.match(done.position ?? '', /^\{"id":"001/, 'auto reads 1,250 records through REST, after the last Id');
    const entries = await readStream(redis, target);
    assert.equal(entries.length, 1250);
    assert.deepEqual(new Set(entries.map((e) => e.External_Id__c)), new Set(rows.map((r) => r[0])));
    const first = entries.find((e) => e.External_Id__c === 'Q-0007');
    assert.deepEqual(first, { External_Id__c: 'Q-0007', Name: 'Q-7', NumberOfEmployees: '7', 'Owner.Name': first?.['Owner.Name'] });
    assert.ok(first?.['Owner.Name'], 'a relationship field is read through its path');
    assert.equal(first?.Id, undefined, 'Id, read for the position, is not in a record that did not select it');
  });

  it('reads a one-shot query through Bulk API 2.0, a results page per batch, the same records as REST', async () => {
    const soql = "SELECT External_Id__c, Name, NumberOfEmployees, Owner.Name FROM Account WHERE Name LIKE 'Q-%'";
    const viaRest = await readStream(redis, suite.streams.names[0]);
    const target = stream('from-bulk');
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'salesforce-query', soql, api: 'bulk' }, target: { kind: 'redis-stream', url: REDIS_URL, stream: target }, batchSize: 300,
    }).expect(202);
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.deepEqual([done.counts.recordsOut, done.counts.batches], [1250, 5]);
    assert.match(done.position ?? '', /"locator":null,"moved":1250/, 'every page read');
    const byId = (entries: Record<string, string>[]) => [...entries].sort((a, b) => a.External_Id__c.localeCompare(b.External_Id__c));
    assert.deepEqual(byId(await readStream(redis, target)), byId(viaRest));
  });

  it('through REST, the lag is the records past the position (counted, less those moved since), on the API and the page', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => [`L-${String(i).padStart(4, '0')}`, `L-${i}`]);
    await seed(h.conn, 'Account', ['External_Id__c', 'Name'], rows);
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'salesforce-query', soql: "SELECT External_Id__c, Name FROM Account WHERE Name LIKE 'L-%'", api: 'rest' },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: stream('lag') },
      batchSize: 100, bound: 500,
    }).expect(202);
    const id = started.body.id as string;
    const waiting = await waitForTransfer(h, id, (t) => (t.status === 'waiting' && t.lag === 700) || ended(t));
    assert.deepEqual([waiting.status, waiting.counts.recordsOut, waiting.lag], ['waiting', 500, 700], 'the stream is full at 500');
    assert.match((await h.get(`/transfers/${id}`).expect(200)).text, /data-field="lag">700</);
    await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
  });

  it('refuses at once a query the org would refuse, or one with its own ORDER BY', async () => {
    const target = { kind: 'redis-stream', url: REDIS_URL, stream: 'never-written' };
    const bad = await h.post('/api/v1/transfers')
      .send({ source: { kind: 'salesforce-query', soql: 'SELECT Nope__c FROM Account' }, target }).expect(400);
    assert.equal(bad.body.error.code, 'SOQL_INVALID');
    assert.match(bad.body.error.message, /Nope__c/);
    const ordered = await h.post('/api/v1/transfers')
      .send({ source: { kind: 'salesforce-query', soql: 'SELECT Name FROM Account ORDER BY Name' }, target }).expect(400);
    assert.equal(ordered.body.error.code, 'TRANSFER_QUERY_INVALID');
  });

  it('writes a batch that comes again to a keyed stream once: a key written within the window is not added again', async () => {
    const name = stream('keyed');
    suite.streams.names.push(writtenKeysOf(name));
    const target = new RedisStreamTarget(newRedis(), name, undefined, { fields: ['Id', 'Stamp'], windowMs: 60_000 });
    try {
      const batch = Array.from({ length: 1500 }, (_, i) => ({ Id: `K${i}`, Stamp: 't1', Name: `n${i}` }));
      assert.ok((await target.write(batch)).every((o) => o.ok));
      const again = [...batch.slice(1000), { Id: 'K0', Stamp: 't2', Name: 'n0 changed' }, { Id: null, Stamp: null, Name: 'no key' }];
      const outcomes = await target.write(again);
      assert.deepEqual(outcomes.at(-1), { ok: false, code: 'KEY_MISSING', reason: 'The record has no value in Id, Stamp.' });
      const entries = await readStream(redis, name);
      assert.equal(entries.length, 1501, 'the repeated 500 are left out; a new version of K0 is added');
      assert.deepEqual(entries.at(-1), { Id: 'K0', Stamp: 't2', Name: 'n0 changed' });
    } finally {
      await target.close();
    }
  });

  it('continuous: moves what is there, then the records created and changed since, by SystemModstamp', async () => {
    const ids = await seed(h.conn, 'Account', ['External_Id__c', 'Name'], [['C-1', 'C one'], ['C-2', 'C two']]);
    const target = stream('continuous-query');
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'salesforce-query', soql: "SELECT External_Id__c, Name FROM Account WHERE External_Id__c LIKE 'C-%'", intervalSeconds: 1 },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
      mode: 'continuous',
    }).expect(202);
    const id = started.body.id as string;
    await waitForTransfer(h, id, (t) => t.counts.recordsOut >= 2 || ended(t));
    await h.conn.sobject('Account').update({ Id: ids[0], Name: 'C one, renamed' });
    await h.conn.sobject('Account').create({ External_Id__c: 'C-3', Name: 'C three' });
    const moved = await waitForTransfer(h, id, (t) => t.counts.recordsOut >= 4 || ended(t), 60_000);
    assert.equal(moved.status, 'running');
    const names = (await readStream(redis, target)).map((e) => e.Name);
    assert.deepEqual(names, ['C one', 'C two', 'C one, renamed', 'C three']);
    assert.equal(started.body.source.settleSeconds, 5, 'a change is read once it is 5 seconds old by default');
    await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
  });

  it('continuous: a change is read once it is settleSeconds old (a field of the form), so a small value reads it sooner', async () => {
    const form = (await h.get('/transfers').expect(200)).text;
    assert.match(form, /name="source\.salesforce-query\.settleSeconds" value="" type="number" min="1" max="3600"\s*placeholder="5"/);
    const seededAt = Date.now();
    const [first] = await seed(h.conn, 'Account', ['External_Id__c', 'Name'], [['ST-1', 'settle one']]);
    const start = async (settleSeconds: number) => {
      const target = stream(`settle-${settleSeconds}`);
      const started = await h.post('/api/v1/transfers').send({
        source: { kind: 'salesforce-query', soql: "SELECT External_Id__c, Name FROM Account WHERE External_Id__c LIKE 'ST-%'", intervalSeconds: 1, settleSeconds },
        target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
        mode: 'continuous',
      }).expect(202);
      return { id: started.body.id as string, target };
    };
    const quick = await start(1);
    const slow = await start(120);
    await waitForTransfer(h, quick.id, (t) => t.counts.recordsOut >= 1 || ended(t));
    await h.conn.sobject('Account').update({ Id: first, Name: 'settle one, changed' });
    const moved = await waitForTransfer(h, quick.id, (t) => t.counts.recordsOut >= 2 || ended(t));
    assert.equal(moved.status, 'running');
    assert.deepEqual((await readStream(redis, quick.target)).map((e) => e.Name), ['settle one', 'settle one, changed']);
    const waited = await waitForTransfer(h, slow.id, () => true);
    assert.ok(Date.now() - seededAt < 120_000, 'checked before the slow one\'s 120 seconds were up');
    assert.deepEqual([waited.status, waited.counts.recordsOut], ['running', 0], 'neither the record nor its change is 120 seconds old');
    assert.equal(await redis.xlen(slow.target), 0);
    for (const { id } of [quick, slow]) await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
  });
});
