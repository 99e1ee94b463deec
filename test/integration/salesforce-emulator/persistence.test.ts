import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect, start } from './helpers.js';

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
