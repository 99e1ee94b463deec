import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jsforce from 'jsforce';
import { connect, passwordToken, start, VERSION } from './helpers.js';

test('state saved to dataDir on close is loaded by the next emulator', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-data-'));
  try {
    const first = await start({ dataDir });
    const conn = await connect(first);
    const account = await conn.sobject('Account').create({ Name: 'Kept', External_Id__c: 'KEEP' });
    const gone = await conn.sobject('Account').create({ Name: 'Binned' });
    await conn.sobject('Account').destroy(gone.id!);
    await first.close();
    const second = await start({ dataDir });
    try {
      const again = await connect(second);
      const kept = await again.sobject('Account').retrieve(account.id!);
      assert.equal(kept.Name, 'Kept');
      await assert.rejects(again.sobject('Account').create({ Name: 'Dup', External_Id__c: 'keep' }), (e: { errorCode: string }) => e.errorCode === 'DUPLICATE_VALUE');
      await assert.rejects(again.sobject('Account').retrieve(gone.id!), (e: { errorCode: string }) => e.errorCode === 'ENTITY_IS_DELETED');
      const fresh = await again.sobject('Account').create({ Name: 'New' });
      assert.notEqual(fresh.id, account.id);
      assert.equal((await again.query('SELECT COUNT() FROM User')).totalSize, 1);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('access tokens survive a restart until they expire (sessions are saved with the data)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emulator-sessions-'));
  try {
    const first = await start({ dataDir });
    const token = await passwordToken(first.url);
    const port = Number(new URL(first.url).port);
    await first.close();
    const second = await start({ dataDir, port });
    try {
      const conn = new jsforce.Connection({ instanceUrl: second.url, accessToken: token, version: VERSION });
      assert.equal((await conn.query('SELECT COUNT() FROM User')).totalSize, 1);
    } finally {
      await second.close();
    }
    const short = await start({ dataDir, port, sessionTimeoutMinutes: 0.001 });
    try {
      const fresh = await passwordToken(short.url);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const res = await fetch(`${short.url}/services/data/v${VERSION}/limits`, { headers: { Authorization: `Bearer ${fresh}` } });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    } finally {
      await short.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
