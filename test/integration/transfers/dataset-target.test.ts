import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { allRows, settled } from '../exports/support.js';
import { waitForState } from '../migrations/harness.js';
import { readChunk } from '../../../src/datasets/index.js';
import { DatasetTarget, createTransferDataset } from '../../../src/transfers/targets/dataset.js';
import { DatasetWrittenKeys } from '../../../src/transfers/targets/dataset-keys.js';
import {
  REDIS_URL, ended, fillStream, transferSuite, unique, waitForTransfer, type TransferHarness,
} from './support.js';

describe('a new dataset as a transfer target', () => {
  const suite = transferSuite();
  let h: TransferHarness;
  let redis: Redis;
  before(() => {
    ({ h, redis } = suite);
  });
  const stream = suite.stream;

  it('without a batch size, a dataset target takes a chunk a batch (5,000) and any other target 500', async () => {
    const source = stream('default-batch');
    await fillStream(redis, source, Array.from({ length: 12 }, (_, i) => ({ n: String(i) })));
    const intoDataset = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'dataset' },
    }).expect(202);
    assert.equal(intoDataset.body.batchSize, 5000);
    const done = await waitForTransfer(h, intoDataset.body.id, ended);
    assert.deepEqual([done.status, done.counts.recordsOut, done.counts.batches], ['completed', 12, 1]);
    const intoStream = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: stream('default-batch-2') },
      target: { kind: 'redis-stream', url: REDIS_URL, stream: stream('default-batch-out') },
    }).expect(202);
    assert.equal(intoStream.body.batchSize, 500);
    await waitForTransfer(h, intoStream.body.id, ended);
  });

  it('fills a new dataset from a Redis Stream, new fields as new columns, ready to preview when the transfer ends', async () => {
    const source = stream('to-dataset');
    const records = Array.from({ length: 5800 }, (_, i) => ({ code: `D-${i}`, name: `Row ${i}`, ...(i >= 5600 ? { tier: 'gold' } : {}) }));
    await fillStream(redis, source, records);
    const started = await h.post('/api/v1/transfers').send({
      name: 'stream to dataset',
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'dataset' }, batchSize: 700,
    }).expect(202);
    const datasetId = started.body.target.datasetId as string;
    assert.match(datasetId, /^ds-/);
    const page = await h.get(`/transfers/${started.body.id}`).expect(200);
    assert.match(page.text, new RegExp(`Redis Stream → DMS dataset [^<]*<a id="target-dataset" href="/datasets/${datasetId}">the dataset it fills</a>`));
    const done = await waitForTransfer(h, started.body.id, ended);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    const dataset = await settled(h, datasetId);
    assert.equal(dataset.status, 'ready');
    assert.equal(dataset.rowCount, 5800);
    assert.deepEqual(dataset.columns, ['code', 'name', 'tier']);
    assert.equal(dataset.profile.find((p) => p.name === 'tier')?.nullCount, 5600);
    const preview = await h.get(`/api/v1/datasets/${datasetId}/rows?offset=4998&limit=4`).expect(200);
    assert.deepEqual(preview.body.rows, [['D-4998', 'Row 4998', null], ['D-4999', 'Row 4999', null], ['D-5000', 'Row 5000', null], ['D-5001', 'Row 5001', null]]);
    const rows = await allRows(h, datasetId);
    assert.deepEqual(rows.map((r) => r[0]), records.map((r) => r.code));
    assert.deepEqual(rows[5700], ['D-5700', 'Row 5700', 'gold']);
    const stored = await readChunk(h.services.store, datasetId, 1);
    assert.deepEqual([stored.columns.length, stored.rows[0]], [3, ['D-5000', 'Row 5000', null]], 'every stored row has every column');
  });

  it('migrates a dataset a transfer filled into the org, as an upload', async () => {
    const source = stream('dataset-to-org');
    await fillStream(redis, source, Array.from({ length: 300 }, (_, i) => ({ code: `DM-${i}`, name: `Migrated ${i}` })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'dataset' }, batchSize: 120,
    }).expect(202);
    const datasetId = started.body.target.datasetId as string;
    assert.equal((await settled(h, datasetId)).rowCount, 300);
    const mapping = { object: 'Account', fields: [{ column: 'code', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };
    const created = await h.post('/api/v1/migrations')
      .send({ datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } }).expect(201);
    const id = created.body.migration.id as string;
    await h.post(`/api/v1/migrations/${id}/start`).expect(200);
    const done = await waitForState(h.services, id, ['completed', 'failed']);
    assert.equal(done.totals.succeeded, 300, JSON.stringify(done.totals));
    const inOrg = await h.conn.query("SELECT COUNT() FROM Account WHERE External_Id__c LIKE 'DM-%'");
    assert.equal(inOrg.totalSize, 300);
  });

  it('stops filling a dataset at its row limit, waiting visibly; stopped, the dataset is ready with those rows', async () => {
    const source = stream('bounded-dataset');
    await fillStream(redis, source, Array.from({ length: 500 }, (_, i) => ({ n: String(i) })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'dataset', name: 'first 300' },
      batchSize: 200, bound: 300,
    }).expect(202);
    const id = started.body.id as string;
    const waiting = await waitForTransfer(h, id, (t) => t.status === 'waiting' || ended(t));
    assert.deepEqual([waiting.boundState.used, waiting.boundState.limit, waiting.counts.recordsOut], [300, 300, 300]);
    assert.match(waiting.boundState.reason ?? '', /300 of 300 rows/);
    await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
    const dataset = await settled(h, started.body.target.datasetId as string);
    assert.equal(dataset.rowCount, 300);
    assert.equal((await h.get(`/api/v1/datasets/${started.body.target.datasetId}`).expect(200)).body.name, 'first 300');
    assert.equal(await redis.xlen(source), 200, 'what did not fit stays in the stream');
  });

  it('with key fields, writes a record whose key is in the dataset already once; a record without a key is refused', async () => {
    const at = new Date().toISOString();
    const made = await createTransferDataset(h.services.store, { id: 'transfer:keyed-test', name: 'keyed', createdBy: 'test', createdAt: at });
    const written = new DatasetWrittenKeys(redis, unique('dms-test-dataset-keys'), 60_000);
    const target = await DatasetTarget.open(h.services.store, redis, { datasetId: made._id, bound: undefined, keys: { fields: ['Id'], written } });
    try {
      const batch = Array.from({ length: 1500 }, (_, i) => ({ Id: `K${i}`, Name: `n${i}` }));
      assert.ok((await target.write(batch)).every((o) => o.ok));
      const again = [...batch.slice(1000), { Id: 'K1500', Name: 'new' }, { Id: 'K1500', Name: 'new, twice in a batch' }, { Id: null, Name: 'no key' }];
      const outcomes = await target.write(again);
      assert.deepEqual(outcomes.at(-1), { ok: false, code: 'KEY_MISSING', reason: 'The record has no value in Id.' });
      assert.ok(outcomes.slice(0, -1).every((o) => o.ok), 'a record written before is confirmed, not written again');
      await target.finish();
      const rows = await allRows(h, made._id);
      assert.equal(rows.length, 1501);
      assert.deepEqual(rows.at(-1), ['K1500', 'new']);
      assert.deepEqual(await written.written(['K0'], 1501), [false], 'a ready dataset forgets its keys: it is not written again');
    } finally {
      await target.close();
      await written.clear();
    }
  });

  it('counts a key as written only at a row the dataset confirmed, and only within the window', async () => {
    const written = new DatasetWrittenKeys(redis, unique('dms-test-dataset-keys'), 300);
    try {
      await written.note(['"a"', '"b"', '"c"'], 0);
      // A run that died after noting rows 1-3 and confirming two: c is not written.
      assert.deepEqual(await written.written(['"a"', '"b"', '"c"'], 2), [true, true, false]);
      // The next run writes x at row 3; c, noted there by the dead run, is dropped.
      await written.note(['"x"'], 2);
      assert.deepEqual(await written.written(['"a"', '"c"', '"x"'], 3), [true, false, true]);
      await sleep(400);
      await written.note(['"y"'], 3);
      assert.deepEqual(await written.written(['"a"', '"x"', '"y"'], 4), [false, false, true], 'keys of writes older than the window are forgotten');
    } finally {
      await written.clear();
    }
  });

  it('makes the dataset of a transfer stopped while paused ready', async () => {
    const source = stream('paused-dataset');
    await fillStream(redis, source, Array.from({ length: 120 }, (_, i) => ({ n: String(i) })));
    const started = await h.post('/api/v1/transfers').send({
      source: { kind: 'redis-stream', url: REDIS_URL, stream: source }, target: { kind: 'dataset' }, mode: 'continuous',
    }).expect(202);
    const id = started.body.id as string;
    await waitForTransfer(h, id, (t) => t.counts.recordsOut === 120 || ended(t));
    await h.post(`/api/v1/transfers/${id}/pause`).expect(200);
    const datasetId = started.body.target.datasetId as string;
    assert.equal((await h.get(`/api/v1/datasets/${datasetId}`).expect(200)).body.status, 'exporting');
    await h.post(`/api/v1/transfers/${id}/stop`).expect(200);
    const dataset = await settled(h, datasetId);
    assert.deepEqual([dataset.status, dataset.rowCount, dataset.columns], ['ready', 120, ['n']]);
  });
});
