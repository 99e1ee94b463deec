import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { Redis } from 'ioredis';
import {
  RABBIT_URL, REDIS_URL, ended, fillStream, newRedis, readStream, startTransferHarness, streamNames, unique, waitForTransfer, type TransferHarness,
} from './support.js';
import { seed, settled } from '../exports/support.js';

interface Letter { key: string; attempts: number }

describe('the transfer pages: the start form and the dead letters a page at a time', () => {
  let h: TransferHarness;
  let redis: Redis;
  const names = streamNames();
  const stream = names.name;
  before(async () => {
    h = await startTransferHarness();
    redis = newRedis();
  });
  after(async () => {
    await names.drop(redis);
    redis.disconnect();
    await h.close();
  });
  const submit = (form: Record<string, string>) =>
    request(h.app).post('/transfers').set(h.user.headers).type('form').send({ _csrf: h.user.csrf, ...form });

  it('shows every kind of end with its fields; refusals are shown next to their fields with the values kept', async () => {
    const page = (await h.get('/transfers').expect(200)).text;
    for (const kind of ['redis-stream', 'rabbitmq-queue', 'couch-changes', 'dataset']) {
      assert.match(page, new RegExp(`data-end="source" data-kind="${kind}"`));
    }
    for (const kind of ['redis-stream', 'rabbitmq-exchange', 'couch-database', 'salesforce']) {
      assert.match(page, new RegExp(`data-end="target" data-kind="${kind}"`));
    }
    assert.match(page, /name="target.salesforce.connectionId"[\s\S]*?<option value="local"/, 'connections to pick from');
    assert.match(page, /id="pipeline-editor"/, 'the migration pipeline editor');
    assert.match(page, /<h2 id="start">/, 'the start form has an anchor');
    const fromNew = await h.get('/transfers/new').expect(302);
    assert.equal(fromNew.headers.location, '/transfers#start', '/transfers/new, as other sections have, leads to the form');

    const refused = await submit({
      name: 'half filled', 'source.kind': 'redis-stream', 'source.redis-stream.stream': '', 'source.redis-stream.endpoint': 'url',
      'source.redis-stream.url': 'not a url', 'target.kind': 'salesforce', 'target.salesforce.object': 'Account',
      batchSize: '100000', pipeline: '[{"op":"cast","columns":["n"]}]', mode: 'once',
    });
    assert.equal(refused.status, 400);
    const fieldError = (field: string) => new RegExp(`data-field="${field.replace(/\./g, '\\.')}"[\\s\\S]*?class="error field-error"[^>]*>([^<]+)<`);
    assert.equal(fieldError('source.redis-stream.stream').exec(refused.text)?.[1], 'Required.');
    assert.match(refused.text, fieldError('source.redis-stream.endpoint'));
    assert.match(refused.text, fieldError('target.salesforce.externalIdField'));
    assert.match(fieldError('batchSize').exec(refused.text)?.[1] ?? '', /50000/);
    assert.match(refused.text, /data-field="pipeline">0\.to: /);
    assert.match(refused.text, /name="name" value="half filled"/);
    assert.match(refused.text, /name="target.salesforce.object" value="Account"/);
    assert.equal((await h.get('/api/v1/transfers').expect(200)).body.transfers.length, 0, 'nothing started');
  });

  it('starts a transfer from the form; a later one picks the endpoint an earlier one sealed, shown without its password', async () => {
    const rabbit = await h.post('/api/v1/transfers').send({
      source: { kind: 'rabbitmq-queue', url: RABBIT_URL, queue: unique('never-there') }, target: { kind: 'redis-stream', stream: stream('x') },
    }).expect(202);
    await waitForTransfer(h, rabbit.body.id, ended);

    const source = stream('form-in');
    const target = stream('form-out');
    await fillStream(redis, source, Array.from({ length: 30 }, (_, i) => ({ n: String(i), name: ` item ${i} ` })));
    const started = await submit({
      name: 'from the form', 'source.kind': 'redis-stream', 'source.redis-stream.endpoint': 'url', 'source.redis-stream.url': REDIS_URL,
      'source.redis-stream.stream': source, 'target.kind': 'redis-stream', 'target.redis-stream.stream': target,
      pipeline: JSON.stringify([{ op: 'trim', columns: ['name'] }]), batchSize: '7', bound: '', mode: 'once',
    });
    assert.equal(started.status, 303, started.text);
    const id = /\/transfers\/([0-9a-f-]{36})$/.exec(started.headers.location ?? '')?.[1] as string;
    const done = await waitForTransfer(h, id, ended);
    assert.deepEqual([done.status, done.counts.recordsOut, done.counts.batches], ['completed', 30, 5]);
    assert.equal((await readStream(redis, target)).find((r) => r.n === '3')?.name, 'item 3', 'through the pipeline');

    const page = (await h.get('/transfers').expect(200)).text;
    assert.match(page, new RegExp(`<option value="${rabbit.body.id}:source">amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:5672 \\(`));
    assert.doesNotMatch(page, /guest:guest/, 'no password on the page');
    const endpoint = new RegExp(`<option value="(${id}:source)">redis://127\\.0\\.0\\.1:6379 \\(from the form\\)`).exec(page)?.[1];
    assert.ok(endpoint, 'the sealed Redis endpoint is offered');

    await fillStream(redis, source, [{ n: '30', name: 'again' }]);
    const again = await submit({
      'source.kind': 'redis-stream', 'source.redis-stream.endpoint': endpoint, 'source.redis-stream.stream': source,
      'target.kind': 'redis-stream', 'target.redis-stream.stream': target, mode: 'once',
    });
    assert.equal(again.status, 303, again.text);
    const second = /\/transfers\/([0-9a-f-]{36})$/.exec(again.headers.location ?? '')?.[1] as string;
    assert.equal((await waitForTransfer(h, second, ended)).counts.recordsOut, 1);
  });

  it('a Salesforce query into a new dataset from the form: the connection picked, "deleted records too" a box', async () => {
    const tag = unique('form-query');
    await seed(h.conn, 'Account', ['External_Id__c', 'Name'], [[`${tag}-1`, 'Form one'], [`${tag}-2`, 'Form two']]);
    const page = (await h.get('/transfers').expect(200)).text;
    assert.match(page, /name="source.salesforce-query.connectionId"[\s\S]*?<option value="local"/);
    assert.match(page, /name="source.salesforce-query.queryAll" type="checkbox" value="true">\s*<input type="hidden" name="source.salesforce-query.queryAll" value="false">/);
    const soql = `SELECT External_Id__c, Name FROM Account WHERE External_Id__c LIKE '${tag}-%'`;
    // As a browser sends a ticked box: its "true", then the hidden "false".
    const body = [
      ['_csrf', h.user.csrf], ['source.kind', 'salesforce-query'], ['source.salesforce-query.connectionId', 'local'],
      ['source.salesforce-query.soql', soql], ['source.salesforce-query.queryAll', 'true'], ['source.salesforce-query.queryAll', 'false'],
      ['target.kind', 'dataset'], ['target.dataset.name', 'from the org'], ['mode', 'once'],
    ].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const started = await request(h.app).post('/transfers').set(h.user.headers).type('form').send(body);
    assert.equal(started.status, 303, started.text);
    const id = /\/transfers\/([0-9a-f-]{36})$/.exec(started.headers.location ?? '')?.[1] as string;
    const done = await waitForTransfer(h, id, ended);
    assert.deepEqual([done.status, done.counts.recordsOut], ['completed', 2]);
    const transfer = (await h.get(`/api/v1/transfers/${id}`).expect(200)).body as { source: { queryAll: boolean }; target: { datasetId: string } };
    assert.equal(transfer.source.queryAll, true);
    const dataset = await settled(h, transfer.target.datasetId);
    assert.deepEqual([dataset.status, dataset.rowCount], ['ready', 2]);
    assert.equal((await h.get(`/api/v1/datasets/${transfer.target.datasetId}`).expect(200)).body.name, 'from the org');
  });

  it('lists dead letters a page at a time and retries one page or all of them', async () => {
    const source = stream('paged-in');
    await fillStream(redis, source, Array.from({ length: 5 }, (_, i) => ({ key: `D-${i}`, size: `lots-${i}` })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'redis-stream', stream: stream('paged-out') },
      pipeline: [{ op: 'cast', columns: ['size'], to: 'integer' }],
    }).expect(202);
    const id = started.body.id as string;
    assert.equal((await waitForTransfer(h, id, ended)).counts.deadLetters, 5);

    const keysOn = (html: string) => [...html.matchAll(/<tr data-key="([^"]+)">/g)].map((m) => m[1]);
    const first = (await h.get(`/transfers/${id}?page=1&pageSize=2`).expect(200)).text;
    assert.equal(keysOn(first).length, 2);
    assert.match(first, /1–2 of 5/);
    assert.match(first, /rel="next" href="\?page=2&amp;pageSize=2#dead-letters"/);
    assert.doesNotMatch(first, /rel="prev"/);
    const last = (await h.get(`/transfers/${id}?page=3&pageSize=2`).expect(200)).text;
    assert.equal(keysOn(last).length, 1);
    assert.match(last, /rel="prev" href="\?page=2&amp;pageSize=2#dead-letters"/);
    assert.doesNotMatch(last, /rel="next"/);

    /** Polls the letters' attempts until each has the count `expected` gives it (or 20 s passed). */
    const attemptsReach = async (expected: (key: string) => number) => {
      for (let i = 0; ; i++) {
        const { deadLetters } = (await h.get(`/api/v1/transfers/${id}/dead-letters?pageSize=10`).expect(200)).body as { deadLetters: Letter[] };
        if (deadLetters.every((l) => l.attempts === expected(l.key)) || i === 200) return new Map(deadLetters.map((l) => [l.key, l.attempts]));
        await sleep(100);
      }
    };
    const pageKeys = keysOn(first);
    const retried = await request(h.app).post(`/transfers/${id}/dead-letters/retry`).set(h.user.headers).type('form')
      .send(`_csrf=${encodeURIComponent(h.user.csrf)}&back=${encodeURIComponent('?page=1&pageSize=2')}&${pageKeys.map((k) => `keys=${encodeURIComponent(k)}`).join('&')}`);
    assert.equal(retried.status, 303);
    assert.equal(retried.headers.location, `/transfers/${id}?page=1&pageSize=2`);
    // Still unconvertible: the page's letters are refused again (one more attempt); the others were not tried.
    const onPage = (key: string) => pageKeys.includes(key);
    let after = await attemptsReach((key) => (onPage(key) ? 2 : 1));
    assert.equal(after.size, 5);
    for (const [key, count] of after) assert.equal(count, onPage(key) ? 2 : 1, key);

    await request(h.app).post(`/transfers/${id}/dead-letters/retry`).set(h.user.headers).type('form').send({ _csrf: h.user.csrf }).expect(303);
    after = await attemptsReach((key) => (onPage(key) ? 3 : 2));
    for (const [key, count] of after) assert.equal(count, onPage(key) ? 3 : 2, key);
  });
});
