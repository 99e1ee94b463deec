import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { allRows, settled } from '../exports/support.js';
import { waitForState } from '../migrations/harness.js';
import { readChunk } from '../../../src/datasets/index.js';
import {
  REDIS_URL, ended, fillStream, transferSuite, waitForTransfer, type TransferHarness,
} from './support.js';

describe('a new dataset as a transfer target', () => {
  const suite = transferSuite();
  let h: TransferHarness;
  let redis: Redis;
  before(() => {
    ({ h, redis } = suite);
  });
  const stream = suite.stream;

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
