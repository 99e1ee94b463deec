import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { ChannelModel } from 'amqplib';
import {
  RABBIT_URL, REDIS_URL, ended, fillStream, newRedis, rabbitQueueWith, readStream, startTransferHarness, unique, waitForTransfer,
  type TransferHarness,
} from './support.js';

describe('transfers between stores', () => {
  let h: TransferHarness;
  let redis: Redis;
  const streams: string[] = [];
  before(async () => {
    h = await startTransferHarness();
    redis = newRedis();
  });
  after(async () => {
    if (streams.length > 0) await redis.del(...streams);
    redis.disconnect();
    await h.close();
  });
  const stream = (prefix: string) => {
    const name = unique(prefix);
    streams.push(name);
    return name;
  };

  it('moves a Redis Stream into the Local org by upsert: exact counts, the stream emptied, a second run changes nothing', async () => {
    const source = stream('accounts');
    const records = Array.from({ length: 1200 }, (_, i) => ({ External_Id__c: `S-${i}`, Name: `Streamed ${i}` }));
    await fillStream(redis, source, records);
    const body = {
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source },
      target: { kind: 'salesforce', object: 'Account', externalIdField: 'External_Id__c', api: 'collections' },
      batchSize: 300,
    };
    const started = await h.post('/api/v1/transfers').send(body).expect(202);
    assert.match(started.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(started.body.endpoints, undefined, 'the sealed endpoints are never answered');
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.deepEqual([done.counts.recordsIn, done.counts.recordsOut, done.counts.deadLetters], [1200, 1200, 0]);
    assert.equal(await redis.xlen(source), 0, 'acknowledged entries are deleted from the stream');
    const count = async () => (await h.conn.query<{ expr0: number }>("SELECT COUNT() FROM Account WHERE External_Id__c LIKE 'S-%'")).totalSize;
    assert.equal(await count(), 1200);

    await fillStream(redis, source, records.slice(0, 300));
    const again = await h.post('/api/v1/transfers').send(body).expect(202);
    assert.equal((await waitForTransfer(h, again.body.id, ended)).counts.recordsOut, 300);
    assert.equal(await count(), 1200, 'a repeated batch is an upsert: nothing doubled');
  });

  it('moves a RabbitMQ queue into a Redis Stream, in the queue\'s order, and acknowledges every message', async () => {
    const queue = unique('dms-transfer-in');
    const target = stream('from-queue');
    // The first message carries what a stream's text must keep byte for byte: quotes, backslashes, a line break,
    // non-Latin text and an emoji, an empty string, JSON-looking text, numbers and a boolean.
    const nasty = { n: 0, name: 'Müller "&" \\ back\nline 株式会社 😀', empty: '', json: '[1,{"a":null}]', tiny: 0.1, big: 2 ** 60, flag: true };
    const rabbit: ChannelModel = await rabbitQueueWith(queue, Array.from({ length: 2500 }, (_, i) => (i === 0 ? nasty : { n: i, name: `m${i}` })));
    try {
      // 1,200 a batch: each batch is written in two script calls (a thousand records a call), the last in one.
      const started = await h.post('/api/v1/transfers').send({
        source: { kind: 'rabbitmq-queue', url: RABBIT_URL, queue }, target: { kind: 'redis-stream', url: REDIS_URL, stream: target }, batchSize: 1200,
      }).expect(202);
      const done = await waitForTransfer(h, started.body.id, ended);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      assert.equal(done.counts.recordsOut, 2500);
      const written = await readStream(redis, target);
      assert.deepEqual(written.map((r) => r.n), Array.from({ length: 2500 }, (_, i) => String(i)));
      assert.deepEqual(written[2499], { n: '2499', name: 'm2499' });
      assert.deepEqual(written[0], {
        n: '0', name: 'Müller "&" \\ back\nline 株式会社 😀', empty: '', json: '[1,{"a":null}]', tiny: '0.1', big: '1152921504606847000', flag: 'true',
      });
      const channel = await rabbit.createChannel();
      assert.equal((await channel.checkQueue(queue)).messageCount, 0, 'every message acknowledged');
      await channel.deleteQueue(queue);
    } finally {
      await rabbit.close();
    }
  });

  it('fails at once, saying why, when the source queue does not exist', async () => {
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'rabbitmq-queue', url: RABBIT_URL, queue: unique('no-such-queue') },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: stream('never') },
    }).expect(202);
    const done = await waitForTransfer(h, started.body.id, ended, 10_000);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'TRANSFER_ENDPOINT_MISSING');
    assert.match(done.error?.message ?? '', /RabbitMQ has no queue no-such-queue-/);
  });

  it('moves a CouchDB database (changes feed) into a Redis Stream and keeps the sequence it reached', async () => {
    const database = `${h.services.config.couchDbPrefix}${unique('feed')}`;
    const server = h.services.store.client.server;
    await server.db.create(database);
    await server.use(database).bulk({ docs: Array.from({ length: 250 }, (_, i) => ({ _id: `doc-${i}`, n: i, tags: ['a', 'b'] })) });
    const target = stream('from-couch');
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'couch-changes', database }, target: { kind: 'redis-stream', url: REDIS_URL, stream: target }, batchSize: 40,
    }).expect(202);
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    const written = await readStream(redis, target);
    assert.equal(written.length, 250);
    assert.deepEqual(new Set(written.map((r) => r._id)), new Set(Array.from({ length: 250 }, (_, i) => `doc-${i}`)));
    assert.equal(written[0].tags, '["a","b"]');
    assert.ok(done.position, 'the changes sequence reached is saved');
  });

  it('waits while the target stream is at its bound and goes on when room appears', async () => {
    const source = stream('bounded-in');
    const target = stream('bounded-out');
    await fillStream(redis, source, Array.from({ length: 100 }, (_, i) => ({ n: String(i) })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
      batchSize: 15, bound: 40,
    }).expect(202);
    const waiting = await waitForTransfer(h, started.body.id, (t) => t.status === 'waiting');
    assert.equal(waiting.boundState.full, true);
    assert.equal(waiting.boundState.limit, 40);
    assert.equal(await redis.xlen(target), 40, 'the bound is never passed');
    // A consumer takes 30 entries: the transfer goes on into the room they leave.
    const taken = (await redis.xrange(target, '-', '+', 'COUNT', 30)).map(([id]) => id);
    await redis.xdel(target, ...taken);
    const more = await waitForTransfer(h, started.body.id, (t) => t.counts.recordsOut >= 70);
    assert.ok(more.counts.recordsOut === 70 && (await redis.xlen(target)) === 40);
    await redis.del(target);
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed');
    assert.equal(done.counts.recordsOut, 100);
  });

  it('keeps poison records as dead letters with why, and writes them after a fix', async () => {
    const source = stream('poison');
    await fillStream(redis, source, [
      { External_Id__c: 'P-1', Name: 'Good one', NumberOfEmployees: '10' },
      { External_Id__c: 'P-2', Name: 'Bad number', NumberOfEmployees: 'lots' },
      { External_Id__c: 'P-3', NumberOfEmployees: '5' },
      { External_Id__c: 'P-4', Name: 'Good two', NumberOfEmployees: '20' },
    ]);
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source },
      target: { kind: 'salesforce', object: 'Account', externalIdField: 'External_Id__c' },
      pipeline: [{ op: 'cast', columns: ['NumberOfEmployees'], to: 'integer' }],
    }).expect(202);
    const id = started.body.id as string;
    const done = await waitForTransfer(h, id, ended);
    assert.deepEqual([done.status, done.counts.recordsOut, done.counts.deadLetters], ['completed', 2, 2]);
    assert.equal(await redis.xlen(source), 0, 'dead letters are kept by DMS, so their entries are acknowledged too');
    const letters = (await h.get(`/api/v1/transfers/${id}/dead-letters`).expect(200)).body.deadLetters as { record: Record<string, string>; code: string; reason: string }[];
    const byId = new Map(letters.map((l) => [l.record.External_Id__c, l]));
    assert.match(byId.get('P-2')?.reason ?? '', /NumberOfEmployees/);
    assert.equal(byId.get('P-3')?.code, 'REQUIRED_FIELD_MISSING');
    const page = (await h.get(`/transfers/${id}`).expect(200)).text;
    assert.match(page, /REQUIRED_FIELD_MISSING/);
    assert.match(page, /data-field="deadLetters">2</);
    // The pipeline's reason in the reader's language, with the column and the value.
    const zh = (await h.get(`/transfers/${id}`).set('accept-language', 'zh-CN').expect(200)).text;
    assert.match(zh, /CAST_NOT_A_NUMBER: NumberOfEmployees：“lots”不是整数/);
    assert.match((await h.get('/transfers').expect(200)).text, new RegExp(`/transfers/${id}`));

    const fix = [
      { op: 'cast', columns: ['NumberOfEmployees'], to: 'integer', onInvalid: 'null' },
      { op: 'fillNull', columns: ['Name'], value: 'Unnamed' },
    ];
    await h.post(`/api/v1/transfers/${id}/dead-letters/retry`).send({ pipeline: fix }).expect(202);
    const fixed = await waitForTransfer(h, id, (t) => t.counts.deadLetters === 0);
    assert.equal(fixed.counts.recordsOut, 4);
    assert.deepEqual((await h.get(`/api/v1/transfers/${id}/dead-letters`).expect(200)).body.deadLetters, []);
    const rows = await h.conn.query<{ Name: string }>("SELECT Name FROM Account WHERE External_Id__c = 'P-3'");
    assert.equal(rows.records[0]?.Name, 'Unnamed');
  });

  it('pauses, resumes and stops a continuous transfer from the API', async () => {
    const source = stream('continuous-in');
    const target = stream('continuous-out');
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'redis-stream', url: REDIS_URL, stream: target },
      mode: 'continuous', batchSize: 10,
    }).expect(202);
    const id = started.body.id as string;
    await fillStream(redis, source, Array.from({ length: 25 }, (_, i) => ({ n: String(i) })));
    await waitForTransfer(h, id, (t) => t.counts.recordsOut === 25);
    assert.equal((await h.post(`/api/v1/transfers/${id}/pause`).expect(200)).body.status, 'paused');
    await fillStream(redis, source, Array.from({ length: 5 }, (_, i) => ({ n: String(25 + i) })));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await redis.xlen(target), 25, 'nothing moves while paused');
    await h.post(`/api/v1/transfers/${id}/resume`).expect(200);
    await waitForTransfer(h, id, (t) => t.counts.recordsOut === 30);
    assert.equal((await h.post(`/api/v1/transfers/${id}/stop`).expect(200)).body.status, 'stopped');
    await h.post(`/api/v1/transfers/${id}/resume`).expect(409);
    const listed = (await h.get('/api/v1/transfers').expect(200)).body.transfers as { id: string }[];
    assert.ok(listed.some((t) => t.id === id));
  });
});
