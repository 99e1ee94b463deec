import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { passwordToken, start, VERSION } from './helpers.js';

/** `dms emulator --port 0 --data DIR` as its own process, as `npm start` runs the Local org. */
async function runOrg(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', 'src/cli/index.ts', 'emulator', '--port', '0', '--data', dataDir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(text);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`the Local org ended (${code}) before it listened: ${text}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

async function call(url: string, token: string, method: string, path: string, body?: string, type = 'application/json') {
  const res = await fetch(`${url}/services/data/v${VERSION}${path}`, {
    method, body, headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** A Bulk insert job of `csv`, polled until it is finished; returns its id. */
async function bulkInsert(url: string, token: string, csv: string): Promise<string> {
  const { id } = (await call(url, token, 'POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'insert' }))).json();
  await call(url, token, 'PUT', `/jobs/ingest/${String(id)}/batches`, csv, 'text/csv');
  await call(url, token, 'PATCH', `/jobs/ingest/${String(id)}`, JSON.stringify({ state: 'UploadComplete' }));
  for (let i = 0; i < 200; i++) {
    const { state } = (await call(url, token, 'GET', `/jobs/ingest/${String(id)}`)).json();
    if (state === 'JobComplete') return String(id);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the job did not complete');
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`records, ids, jobs and access tokens survive \`dms emulator --data\` stopped by ${signal} and started again`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), `emulator-restart-${signal}-`));
    let org = await runOrg(dataDir);
    try {
      const token = await passwordToken(org.url);
      const created = (await call(org.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: 'Kept', External_Id__c: 'K1' }))).json();
      const jobId = await bulkInsert(org.url, token, 'Name,External_Id__c\nBulk 1,B1\nBulk 2,B2\n');
      const results = (await call(org.url, token, 'GET', `/jobs/ingest/${jobId}/successfulResults`)).text;
      const binned = (await call(org.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: 'Binned' }))).json();
      const open = (await call(org.url, token, 'POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'insert' }))).json();
      assert.equal((await call(org.url, token, 'PUT', `/jobs/ingest/${String(open.id)}/batches`, 'Name\nUploaded before\n', 'text/csv')).status, 201);
      assert.equal((await call(org.url, token, 'DELETE', `/sobjects/Account/${String(binned.id)}`)).status, 204);
      // What is guaranteed after a kill: what was written more than one save interval (1 s) before it.
      if (signal === 'SIGKILL') await new Promise((resolve) => setTimeout(resolve, 1500));
      await stop(org.child, signal);

      org = await runOrg(dataDir);
      const kept = await call(org.url, token, 'GET', `/sobjects/Account/${String(created.id)}`);
      assert.equal(kept.status, 200, 'the access token of the first run still works');
      assert.equal(kept.json().Name, 'Kept');
      const job = (await call(org.url, token, 'GET', `/jobs/ingest/${jobId}`)).json();
      assert.equal(job.state, 'JobComplete');
      assert.equal(job.numberRecordsProcessed, 2);
      assert.equal((await call(org.url, token, 'GET', `/jobs/ingest/${jobId}/successfulResults`)).text, results);
      const bulkIds = results.trim().split('\n').slice(1).map((line) => line.split(',')[0].replaceAll('"', ''));
      const query = await call(org.url, token, 'GET', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE External_Id__c = 'B2'")}`);
      assert.deepEqual((query.json().records as { Id: string }[]).map((r) => r.Id), [bulkIds[1]], 'indexes are rebuilt');
      const deleted = await call(org.url, token, 'GET', `/sobjects/Account/${String(binned.id)}`);
      assert.equal((JSON.parse(deleted.text) as { errorCode: string }[])[0].errorCode, 'ENTITY_IS_DELETED');
      const duplicate = await call(org.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: 'Dup', External_Id__c: 'b1' }));
      assert.equal(duplicate.status, 400);
      const fresh = (await call(org.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: 'After' }))).json();
      assert.ok(![created.id, binned.id, ...bulkIds].includes(fresh.id), 'a new record gets a new id');
      const nextJob = (await call(org.url, token, 'POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'insert' }))).json();
      assert.ok(![jobId, open.id].includes(nextJob.id), 'a new job gets a new id');
      await call(org.url, token, 'PATCH', `/jobs/ingest/${String(open.id)}`, JSON.stringify({ state: 'UploadComplete' }));
      for (let i = 0; i < 100 && (await call(org.url, token, 'GET', `/jobs/ingest/${String(open.id)}`)).json().state !== 'JobComplete'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const uploaded = await call(org.url, token, 'GET', `/jobs/ingest/${String(open.id)}/successfulResults`);
      assert.match(uploaded.text, /^"sf__Id","sf__Created",Name\n"001\w{15}","true",Uploaded before\n$/, 'an Open job keeps its upload');
    } finally {
      await stop(org.child, 'SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}

test('a record file grown by rewrites is compacted when a SIGKILLed org starts again; a compaction cut off by a kill is dropped', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-compact-'));
  const file = join(dataDir, 'Account.records');
  let org = await runOrg(dataDir);
  try {
    const token = await passwordToken(org.url);
    const records = Array.from({ length: 20 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `Compact ${i}`, External_Id__c: `CMP-${i}` }));
    const created = (await call(org.url, token, 'POST', '/composite/sobjects', JSON.stringify({ allOrNone: true, records }))).json();
    const ids = (created as unknown as { id: string }[]).map((r) => r.id);
    for (let round = 1; round <= 4; round++) {
      const updates = ids.map((id, i) => ({ attributes: { type: 'Account' }, id, Name: `Compact ${i} v${round}` }));
      assert.equal((await call(org.url, token, 'PATCH', '/composite/sobjects', JSON.stringify({ allOrNone: true, records: updates }))).status, 200);
    }
    assert.equal((await call(org.url, token, 'DELETE', `/sobjects/Account/${ids[19]}`)).status, 204);
    const soql = encodeURIComponent("SELECT Id, Name, External_Id__c FROM Account WHERE Name LIKE 'Compact %' ORDER BY Name");
    const before = (await call(org.url, token, 'GET', `/query?q=${soql}`)).json().records;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stop(org.child, 'SIGKILL');
    const grown = statSync(file).size;
    // What a kill in the middle of a compaction leaves: the new file half written beside the whole record file.
    await writeFile(`${file}.compacting`, 'half a file');

    org = await runOrg(dataDir);
    assert.equal(existsSync(`${file}.compacting`), false);
    const compacted = statSync(file).size;
    assert.ok(compacted < grown / 2, `${compacted} bytes after compaction, ${grown} before`);
    assert.deepEqual((await call(org.url, token, 'GET', `/query?q=${soql}`)).json().records, before);
    const binned = await call(org.url, token, 'GET', `/sobjects/Account/${ids[19]}`);
    assert.equal((JSON.parse(binned.text) as { errorCode: string }[])[0].errorCode, 'ENTITY_IS_DELETED');
    const byExternalId = encodeURIComponent("SELECT Name FROM Account WHERE External_Id__c = 'CMP-7'");
    assert.deepEqual((await call(org.url, token, 'GET', `/query?q=${byExternalId}`)).json().records, [
      { attributes: { type: 'Account', url: `/services/data/v${VERSION}/sobjects/Account/${ids[7]}` }, Name: 'Compact 7 v4' },
    ]);
    assert.equal((await call(org.url, token, 'PATCH', `/sobjects/Account/${ids[0]}`, JSON.stringify({ Name: 'After compaction' }))).status, 204);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stop(org.child, 'SIGKILL');

    org = await runOrg(dataDir);
    assert.equal((await call(org.url, token, 'GET', `/sobjects/Account/${ids[0]}`)).json().Name, 'After compaction');
    assert.equal((await call(org.url, token, 'GET', `/sobjects/Account/${ids[1]}`)).json().Name, 'Compact 1 v4');
  } finally {
    await stop(org.child, 'SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('ids written after the last save of the id sequence (a killed org) are not handed out again', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-sequence-'));
  const first = await start({ dataDir, saveIntervalMs: 3_600_000 });
  try {
    const token = await passwordToken(first.url);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(String((await call(first.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: `A${i}` }))).json().id));
    // The record versions reach the file (a 1 MB buffer filled up, or a save), meta.json keeps its start-up sequence.
    first.state.store.flush();
    const second = await start({ dataDir });
    try {
      const again = await passwordToken(second.url);
      const fresh = String((await call(second.url, again, 'POST', '/sobjects/Account', JSON.stringify({ Name: 'Next' }))).json().id);
      assert.ok(!ids.includes(fresh));
      assert.equal((await call(second.url, again, 'GET', `/sobjects/Account/${ids[2]}`)).json().Name, 'A2');
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a data folder of the old format (<Object>.jsonl) is migrated once to record files', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-migrate-'));
  try {
    await writeFile(join(dataDir, 'meta.json'), JSON.stringify({ sequence: 40, salt: 'Old' }));
    const live = { Id: '001Old00000000EIAQ', Name: 'From JSON lines', External_Id__c: 'OLD-1', IsDeleted: false };
    const gone = { Id: '001Old00000000FIAQ', Name: 'Binned before', IsDeleted: true };
    await writeFile(join(dataDir, 'Account.jsonl'), `${JSON.stringify(live)}\n${JSON.stringify(gone)}\n`);
    for (let run = 0; run < 2; run++) {
      const org = await start({ dataDir });
      try {
        const token = await passwordToken(org.url);
        const found = await call(org.url, token, 'GET', `/sobjects/Account/${live.Id}`);
        assert.equal(found.json().Name, 'From JSON lines', `run ${run}`);
        const soql = `SELECT Id, IsDeleted FROM Account WHERE Id IN ('${live.Id}', '${gone.Id}')`;
        const deleted = await call(org.url, token, 'GET', `/queryAll?q=${encodeURIComponent(soql)}`);
        assert.deepEqual((deleted.json().records as { Id: string; IsDeleted: boolean }[]).map((r) => [r.Id, r.IsDeleted]),
          [[live.Id, false], [gone.Id, true]]);
        const fresh = String((await call(org.url, token, 'POST', '/sobjects/Account', JSON.stringify({ Name: `Run ${run}` }))).json().id);
        assert.equal(fresh.slice(3, 6), 'Old', 'new ids keep the folder\'s salt');
      } finally {
        await org.close();
      }
      assert.equal(existsSync(join(dataDir, 'Account.jsonl')), false);
      assert.equal(existsSync(join(dataDir, 'Account.records')), true);
    }
    assert.match(await readFile(join(dataDir, 'migrated-jsonl', 'Account.jsonl'), 'utf8'), /From JSON lines/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
