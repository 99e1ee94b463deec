import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobWriter } from '../../../src/blobs/index.js';
import { getDataset, insertDataset, newDatasetId, readChunk, readChunkDoc } from '../../../src/datasets/index.js';
import { enqueueParse } from '../../../src/datasets/parse-job.js';
import { createMigration, getMigration, startMigration, type MigrationDoc } from '../../../src/migrations/index.js';
import { startWorkerProcess } from '../../support/worker-process.js';
import { emulatorRecords, setFaults, startHarness, waitForState, type Harness } from './harness.js';
import supertest from 'supertest';
import { createApp } from '../../../src/app.js';
import { signIn } from '../../support/sign-in.js';

/**
 * Pipelining (issue 18): a run started while its file is still arriving and being parsed plans batches as chunks are
 * stored, writes them meanwhile, and ends exact; a parse that fails late ends the run failed with what it wrote kept.
 */
describe('a migration that follows its dataset\'s parse', () => {
  let h: Harness;
  // Workers in this process (locks long enough for a parse on a loaded machine); the kill test starts processes of
  // its own and stops these first.
  before(async () => { h = await startHarness({ env: { WORKER_LOCK_MS: '15000' } }); });
  after(async () => { await h.close(); });

  const csv = (tag: string, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `${tag}-${from + i + 1},Account ${from + i + 1},City ${(from + i) % 50}\n`).join('');

  /**
   * An upload as the web receives it: the dataset, its file's first part stored, the parse enqueued on it. The parse
   * stores chunks 8 at a time (40,000 rows), so a head shorter than that would store nothing until more arrives.
   */
  async function startUpload(head: Buffer): Promise<{ id: string; writer: BlobWriter }> {
    const id = newDatasetId();
    const now = new Date().toISOString();
    const doc = await insertDataset(h.services.store, {
      _id: id, kind: 'dataset', name: `${id}.csv`, fileName: `${id}.csv`, sizeBytes: 0, blobId: `raw-${id}`, uploadedBy: 'test',
      createdAt: now, updatedAt: now, status: 'uploading', format: 'csv', parseOptions: { encoding: 'utf-8' }, columns: [], headerRenames: [],
      rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [], parseRun: 0,
    });
    const writer = new BlobWriter(h.services.store, doc.blobId, undefined, 256 * 1024, () => enqueueParse(h.services, doc));
    await write(writer, head);
    return { id, writer };
  }
  const write = (writer: BlobWriter, data: Buffer) => new Promise<void>((resolve, reject) => {
    writer.write(data, (error) => (error ? reject(error) : resolve()));
  });
  const end = (writer: BlobWriter) => new Promise<void>((resolve, reject) => {
    writer.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });

  async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      assert.ok(Date.now() < deadline, `${what}: not after ${timeoutMs} ms (${JSON.stringify(value)})`);
      await sleep(200);
    }
  }

  /** Created as soon as the columns are known (the parse's first chunk), and started. */
  async function followingRun(datasetId: string, batchSize: number): Promise<MigrationDoc> {
    await until('columns known', () => getDataset(h.services.store, datasetId), (d) => d.columns.length > 0);
    const mapping = {
      object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }],
    };
    const request = { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping }, options: { batchSize } };
    const created = await createMigration(h.services, request, 'test');
    assert.equal(created.following, true, 'the run follows the parse');
    await startMigration(h.services, created._id, 'test');
    return created;
  }

  const mine = async (tag: string) => (await emulatorRecords(h.emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));

  test('a run started on a 200,000-row file still arriving writes batches meanwhile and ends completed with exact totals', async () => {
    const tag = `p${Date.now().toString(36)}`;
    const rows = 200_000;
    const { id, writer } = await startUpload(Buffer.from(`ext,name,city\n${csv(tag, 0, 80_000)}`));
    const request = { datasetId: id, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping: { object: 'Account', fields: [] } } };
    await assert.rejects(createMigration(h.services, { ...request, options: { followParse: false } }, 'test'), { code: 'DATASET_NOT_READY' });
    const run = await followingRun(id, 20_000);
    // Batches are written while most of the file has not even arrived.
    const early = await until('a batch written before the file is complete', () => getMigration(h.services, run._id), (m) => m.batchCount >= 2);
    assert.equal(early.following, true);
    assert.equal((await getDataset(h.services.store, id)).status === 'ready', false);
    // The run's page says that it follows the parse (the live script hides the notice once it no longer does).
    const viewer = await signIn(h.services, 'viewer');
    const runPage = () => supertest(createApp(h.services, { localOrgUrl: h.emulator.url })).get(`/migrations/${run._id}`).set('Cookie', viewer.cookie).expect(200);
    assert.match((await runPage()).text, /<p class="notice" role="status" data-field="following">Reading the file while it is still being parsed/);
    await write(writer, Buffer.from(csv(tag, 80_000, rows)));
    await end(writer);

    const done = await waitForState(h.services, run._id, ['completed', 'failed', 'cancelled'], 240_000);
    assert.equal(done.state, 'completed', JSON.stringify(done.error ?? done.history));
    const dataset = await getDataset(h.services.store, id);
    assert.equal(dataset.rowCount, rows);
    assert.equal(done.rowCount, rows);
    assert.equal(done.following, false);
    assert.match((await runPage()).text, /<p class="notice" role="status" data-field="following" hidden>/);
    assert.equal(done.batchCount, rows / 20_000);
    assert.deepEqual({ rows: done.totals.rows, succeeded: done.totals.succeeded, failed: done.totals.failed }, { rows, succeeded: rows, failed: 0 });
    const records = await mine(tag);
    assert.equal(records.length, rows);
    assert.equal(new Set(records.map((r) => r.External_Id__c)).size, rows, 'no row written twice');
  });

  test('rows of ~36 KB of multibyte text are stored in chunks of at most ~4 MB and every batch writes its rows whole', async () => {
    const tag = `w${Date.now().toString(36)}`;
    const rows = 250;
    // 20,000 UTF-16 units a cell (~36 KB of UTF-8): CJK, emoji, quotes, commas and line breaks inside the quotes.
    const description = (n: number) => `${n} ${'顧客データ "移行", 🌍\r\nZeile; ü'.repeat(1000)}`.slice(0, 20_000);
    const line = (n: number) => `${tag}-${n},Account ${n},"${description(n).replaceAll('"', '""')}"\n`;
    const body = Array.from({ length: rows }, (_, i) => line(i + 1)).join('');
    const { id, writer } = await startUpload(Buffer.from(`ext,name,description\n${body}`));
    await end(writer);
    await until('dataset ready', () => getDataset(h.services.store, id), (d) => d.status === 'ready');
    const mapping = {
      object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }, { column: 'description', field: 'Description' }],
    };
    // 37 rows a batch: batches start and end inside chunks.
    const request = { datasetId: id, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping }, options: { batchSize: 37, apiMode: 'bulk' } };
    const run = await createMigration(h.services, request, 'test');
    await startMigration(h.services, run._id, 'test');

    const chunks = await Promise.all(Array.from({ length: (await getDataset(h.services.store, id)).chunkCount }, (_, index) => readChunkDoc(h.services.store, id, index)));
    assert.ok(chunks.length >= 3, `${Buffer.byteLength(body)} bytes of rows in ${chunks.length} chunks`);
    for (const chunk of chunks) assert.ok((chunk.bytes ?? 0) < 4 * 1024 * 1024 + 70_000, `chunk ${chunk.index}: ${chunk.bytes} bytes, ${chunk.rowCount} rows`);
    const done = await waitForState(h.services, run._id, ['completed', 'failed', 'cancelled'], 240_000);
    assert.equal(done.state, 'completed', JSON.stringify(done.error ?? done.history));
    assert.equal(done.batchCount, Math.ceil(rows / 37));
    assert.deepEqual({ rows: done.totals.rows, succeeded: done.totals.succeeded, failed: done.totals.failed }, { rows, succeeded: rows, failed: 0 });
    const records = await mine(tag);
    assert.equal(records.length, rows);
    for (const record of records) {
      const n = Number(String(record.External_Id__c).slice(tag.length + 1));
      assert.equal(record.Description, description(n), `row ${n}'s Description arrived whole`);
    }
  });

  test('a parse that fails late ends the run failed (DATASET_PARSE_FAILED) with the rows written before kept and reported', async () => {
    const tag = `f${Date.now().toString(36)}`;
    const { id, writer } = await startUpload(Buffer.from(`ext,name,city\n${csv(tag, 0, 60_000)}`));
    const run = await followingRun(id, 10_000);
    await until('a batch planned', () => getMigration(h.services, run._id), (m) => m.batchCount >= 1);
    // Row 85,001 holds a byte no UTF-8 text has: the strict decoder stops the parse there.
    const bad = Buffer.concat([Buffer.from(csv(tag, 60_000, 85_000)), Buffer.from(`${tag}-bad,Acc`), Buffer.from([0xff]), Buffer.from(`,X\n${csv(tag, 85_001, 90_000)}`)]);
    await write(writer, bad);
    await end(writer);

    const done = await waitForState(h.services, run._id, ['completed', 'failed', 'cancelled'], 240_000);
    const dataset = await getDataset(h.services.store, id);
    assert.equal(dataset.status, 'failed');
    assert.equal(dataset.error?.code, 'CSV_UNDECODABLE');
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'DATASET_PARSE_FAILED');
    assert.match(done.error?.message ?? '', /CSV_UNDECODABLE/);
    // Every full batch of the rows stored before the bad byte (8 x 10,000), each row accounted for once.
    assert.equal(done.rowCount, 80_000);
    assert.deepEqual({ rows: done.totals.rows, succeeded: done.totals.succeeded, failed: done.totals.failed }, { rows: 80_000, succeeded: 80_000, failed: 0 });
    const records = await mine(tag);
    assert.equal(records.length, 80_000);
    assert.equal(new Set(records.map((r) => r.External_Id__c)).size, 80_000, 'no row written twice');
    // The chunks the run read outlive the failed parse: its results can still show the rows it wrote.
    const chunk = await readChunk(h.services.store, id, 0);
    assert.equal(chunk.rows.length, 5000);
  });

  test('the worker process running the parse, the plan and the batches killed mid-run: another takes over and the run ends exact', async () => {
    await h.workers?.close(2000);
    const tag = `k${Date.now().toString(36)}`;
    const rows = 100_000;
    await setFaults(h.emulator, { latency: 15 });
    const lock = { WORKER_LOCK_MS: '5000' };
    const first = await startWorkerProcess(h.services.config, lock);
    let second: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
    try {
      const { id, writer } = await startUpload(Buffer.from(`ext,name,city\n${csv(tag, 0, 50_000)}`));
      const run = await followingRun(id, 10_000);
      await until('batches planned while following', () => getMigration(h.services, run._id), (m) => m.batchCount >= 2 && m.following === true);
      first.child.kill('SIGKILL');
      assert.equal(await first.exited, null);
      second = await startWorkerProcess(h.services.config, lock);
      await write(writer, Buffer.from(csv(tag, 50_000, rows)));
      await end(writer);
      const done = await waitForState(h.services, run._id, ['completed', 'failed', 'cancelled'], 240_000);
      await setFaults(h.emulator, { latency: 0 });
      assert.equal(done.state, 'completed', JSON.stringify(done.error ?? done.history));
      assert.equal((await getDataset(h.services.store, id)).rowCount, rows);
      assert.deepEqual({ rows: done.totals.rows, succeeded: done.totals.succeeded }, { rows, succeeded: rows });
      const records = await mine(tag);
      assert.equal(records.length, rows, 'one record per row');
      assert.equal(new Set(records.map((r) => r.External_Id__c)).size, rows);
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await second?.exited;
    }
  });
});
