import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toId18 } from '../../../src/salesforce/index.js';
import { DatasetDoc, readRows, writeChunk } from '../../../src/datasets/index.js';
import { IdMapReader, deleteIdMap, remapLookups, writeIdMapChunk } from '../../../src/org-plans/index.js';
import { connectTestServices } from '../../support/services.js';

/** A 15-character Salesforce-like id: key prefix, then a base-62 counter. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const fakeId = (keyPrefix: string, n: number): string => {
  let text = '';
  for (let v = n, i = 0; i < 12; i++, v = Math.floor(v / 62)) text = ALPHABET[v % 62] + text;
  return keyPrefix + text;
};

describe('the Id map of a plan run: source Ids to target Ids, in chunks in CouchDB', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => { services = await connectTestServices(); });
  after(async () => services.cleanup());

  it('finds every target Id from 15- or 18-character source Ids, reading only the chunks whose range holds them', async () => {
    const run = 'run-a';
    // 25,000 accounts mapped in three chunks, as three batches in Id order would write them (the last one first).
    const pairs = Array.from({ length: 25_000 }, (_, i): [string, string] => [fakeId('001', i * 7 + 3), fakeId('001', 900_000 + i)]);
    await writeIdMapChunk(services.store, run, 'Account', 2, pairs.slice(20_000));
    await writeIdMapChunk(services.store, run, 'Account', 0, pairs.slice(0, 10_000));
    await writeIdMapChunk(services.store, run, 'Account', 1, pairs.slice(10_000, 20_000).reverse());
    // A re-run batch replaces its chunk.
    await writeIdMapChunk(services.store, run, 'Account', 1, pairs.slice(10_000, 20_000));
    const reader = new IdMapReader(services.store, run, 'Account', 2);
    const wanted = [pairs[5][0], toId18(pairs[15_000][0]) ?? '', pairs[24_999][0], fakeId('001', 1)];
    const found = await reader.lookup(wanted);
    assert.equal(found.get(pairs[5][0]), toId18(pairs[5][1]));
    assert.equal(found.get(toId18(pairs[15_000][0]) ?? ''), toId18(pairs[15_000][1]));
    assert.equal(found.get(pairs[24_999][0]), toId18(pairs[24_999][1]));
    assert.equal(found.has(fakeId('001', 1)), false, 'an Id never mapped is absent');
    const all = await new IdMapReader(services.store, run, 'Account').lookup(pairs.map((p) => p[0]));
    assert.equal(all.size, 25_000);
    // Another object's map and another run's are apart.
    assert.equal((await new IdMapReader(services.store, run, 'Contact').lookup([pairs[5][0]])).size, 0);
    assert.equal((await new IdMapReader(services.store, 'run-b', 'Account').lookup([pairs[5][0]])).size, 0);
    assert.equal(await deleteIdMap(services.store, run), 3);
    assert.equal((await new IdMapReader(services.store, run, 'Account').lookup([pairs[5][0]])).size, 0);
  });

  it('rewrites a dataset\'s lookup columns through the map, emptying and counting the Ids it does not hold', async () => {
    const run = 'run-c';
    const accounts = Array.from({ length: 12 }, (_, i): [string, string] => [fakeId('001', 100 + i), fakeId('001', 5000 + i)]);
    await writeIdMapChunk(services.store, run, 'Account', 0, accounts);
    const missing = fakeId('001', 99);
    const rows = Array.from({ length: 7_000 }, (_, i) => [`Contact ${i}`, i % 100 === 0 ? missing : accounts[i % 12][0], null]);
    const now = new Date().toISOString();
    await writeChunk(services.store, 'ds-remap-src', 0, { columns: ['LastName', 'AccountId', 'ReportsToId'], rows: rows.slice(0, 5000), firstRow: 1 });
    await writeChunk(services.store, 'ds-remap-src', 1, { columns: ['LastName', 'AccountId', 'ReportsToId'], rows: rows.slice(5000), firstRow: 5001 });
    const source = DatasetDoc.parse({
      _id: 'ds-remap-src', kind: 'dataset', name: 'Contacts', fileName: 'Contact.csv', sizeBytes: 0, blobId: '', uploadedBy: 'test',
      createdAt: now, updatedAt: now, status: 'ready', columns: ['LastName', 'AccountId', 'ReportsToId'], rowCount: 7000, chunkCount: 2,
    });
    const { dataset, unmapped } = await remapLookups(services.store, run, source, [
      { column: 'AccountId', object: 'Account' }, { column: 'ReportsToId', object: 'Contact' },
    ]);
    assert.equal(dataset.rowCount, 7000);
    assert.deepEqual(unmapped, [{ column: 'AccountId', count: 70, examples: Array(5).fill(missing) }]);
    const page = await readRows(services.store, dataset, 4995, 10);
    assert.deepEqual(page.rows.map((r) => r[1]), Array.from({ length: 10 }, (_, k) => {
      const i = 4995 + k;
      return i % 100 === 0 ? null : toId18(accounts[i % 12][1]);
    }));
    assert.deepEqual(page.rows.map((r) => r[0]), Array.from({ length: 10 }, (_, k) => `Contact ${4995 + k}`));
  });
});
