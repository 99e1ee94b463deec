import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, passwordToken, start, VERSION, type Emulator } from './helpers.js';

const csvHeaders = { 'Content-Type': 'text/csv' };

/** Creates, uploads, closes and waits for an insert job of `csv`; returns its id and final info. */
async function runIngestJob(emulator: Emulator, object: string, csv: string): Promise<{ id: string; state: string }> {
  const created = (await (await api(emulator, 'POST', '/jobs/ingest', { object, operation: 'insert' })).json()) as { id: string };
  assert.equal((await api(emulator, 'PUT', `/jobs/ingest/${created.id}/batches`, csv, csvHeaders)).status, 201);
  await api(emulator, 'PATCH', `/jobs/ingest/${created.id}`, { state: 'UploadComplete' });
  await emulator.state.jobs?.idle();
  return (await (await api(emulator, 'GET', `/jobs/ingest/${created.id}`)).json()) as { id: string; state: string };
}

test('an ingest job keeps its upload and results in its folder; results stream from there; delete removes them', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-jobs-'));
  const emulator = await start({ dataDir, bulkSliceRows: 7 });
  try {
    const rows = Array.from({ length: 30 }, (_, i) => (i === 4 ? 'Bad,abc' : `"Name ${i}, Inc.",${i}`));
    const job = await runIngestJob(emulator, 'Account', `Name,AnnualRevenue\n${rows.join('\n')}\n`);
    assert.equal(job.state, 'JobComplete');
    const folder = join(dataDir, 'jobs', job.id);
    assert.deepEqual((await readdir(folder)).sort(), ['failedResults.csv', 'job.json', 'successfulResults.csv', 'upload.csv']);
    const ok = (await (await api(emulator, 'GET', `/jobs/ingest/${job.id}/successfulResults`)).text()).trimEnd().split('\n');
    assert.equal(ok[0], '"sf__Id","sf__Created",Name,AnnualRevenue');
    assert.equal(ok.length, 30);
    assert.match(ok[1], /^"001\w{15}","true","Name 0, Inc.",0$/);
    assert.match(ok[29], /,"true","Name 29, Inc.",29$/);
    const failed = await (await api(emulator, 'GET', `/jobs/ingest/${job.id}/failedResults`)).text();
    assert.equal(failed, '"sf__Id","sf__Error",Name,AnnualRevenue\n'
      + '"","INVALID_TYPE_ON_FIELD_IN_RECORD:Annual Revenue: value not of required type: abc:AnnualRevenue",Bad,abc\n');
    const unprocessed = await (await api(emulator, 'GET', `/jobs/ingest/${job.id}/unprocessedrecords`)).text();
    assert.equal(unprocessed, 'Name,AnnualRevenue\n');
    assert.equal((await api(emulator, 'DELETE', `/jobs/ingest/${job.id}`)).status, 204);
    assert.equal(existsSync(folder), false);
  } finally {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a finished job and its files are deleted once the retention period has passed (an org keeps jobs 7 days)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-expiry-'));
  const emulator = await start({ dataDir, bulkJobRetentionMs: 300 });
  try {
    const open = (await (await api(emulator, 'POST', '/jobs/ingest', { object: 'Account', operation: 'insert' })).json()) as { id: string };
    const done = await runIngestJob(emulator, 'Account', 'Name\nExpiring\n');
    assert.equal((await api(emulator, 'GET', `/jobs/ingest/${done.id}`)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const gone = await api(emulator, 'GET', `/jobs/ingest/${done.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    assert.equal(existsSync(join(dataDir, 'jobs', done.id)), false);
    assert.equal((await api(emulator, 'GET', `/jobs/ingest/${open.id}`)).status, 200, 'an Open job is not finished: it stays');
  } finally {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('an upload cut off by the client is dropped: the PUT sent again is the one upload', async () => {
  const emulator = await start();
  try {
    const { id } = (await (await api(emulator, 'POST', '/jobs/ingest', { object: 'Account', operation: 'insert' })).json()) as { id: string };
    const token = await passwordToken(emulator.url);
    const url = `${emulator.url}/services/data/v${VERSION}/jobs/ingest/${id}/batches`;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Content-Length': '1000' };
    const cut = request(url, { method: 'PUT', headers });
    cut.on('error', () => undefined);
    cut.write('Name\nCut off 1\nCut');
    const job = emulator.state.jobs!.ingest.get(id)!;
    for (let i = 0; i < 100 && job.uploadBytes === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    cut.destroy();
    for (let i = 0; i < 100 && job.uploads > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await api(emulator, 'PUT', `/jobs/ingest/${id}/batches`, 'Name\nWhole\n', csvHeaders)).status, 201);
    const closed = await api(emulator, 'PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' });
    assert.equal(closed.status, 200);
    await emulator.state.jobs?.idle();
    const ok = await (await api(emulator, 'GET', `/jobs/ingest/${id}/successfulResults`)).text();
    assert.match(ok, /^"sf__Id","sf__Created",Name\n"001\w{15}","true",Whole\n$/);
  } finally {
    await emulator.close();
  }
});
