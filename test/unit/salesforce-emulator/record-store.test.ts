import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deleteRecord, insertRecord, updateRecord, type WriteContext } from '../../../src/salesforce-emulator/data/dml.js';
import { RecordsStore, recordFileName } from '../../../src/salesforce-emulator/data/records-store.js';
import type { Undo } from '../../../src/salesforce-emulator/data/table.js';
import { jsonColumns } from '../../../src/salesforce-emulator/data/validate-record.js';
import { loadSchema } from '../../../src/salesforce-emulator/describe/index.js';
import { recordJson, runSoql } from '../../../src/salesforce-emulator/soql/index.js';

const schema = await loadSchema();
let store: RecordsStore;

function ctx(journal?: Undo[]): WriteContext {
  return { store, userId: '005000000000001AAA', lockRatio: 0, random: Math.random, journal };
}

function write(kind: 'insert' | 'update', record: Record<string, unknown>, journal?: Undo[]): string {
  const table = store.table('Account')!;
  const { Id, ...fields } = record;
  const parsed = jsonColumns(store, table, fields);
  if (!('columns' in parsed)) throw new Error(parsed.message);
  const outcome = kind === 'insert'
    ? insertRecord(ctx(journal), table, parsed.columns, parsed.values, 'json')
    : updateRecord(ctx(journal), table, Id, parsed.columns, parsed.values, 'json');
  if (!outcome.id) throw new Error(JSON.stringify(outcome.errors));
  return outcome.id;
}

const rows = (soql: string) => {
  const outcome = runSoql(store, soql);
  return Array.from({ length: outcome.rows.length }, (_, i) => recordJson(outcome, i, 'v62.0'));
};
const count = (soql: string) => runSoql(store, soql).totalSize;
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** Heap bytes in use after a full collection. */
const heapUsed = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};
const names = (soql: string) => rows(soql).map((r) => r.Name);

/** Opens the store on data folder `dir`; the function returned closes and opens it again (keeping its id salt). */
function storeIn(dir: string): () => void {
  store = new RecordsStore(schema, dir);
  const { salt } = store;
  return () => {
    store.close();
    store = new RecordsStore(schema, dir);
    store.salt = salt;
  };
}

describe('record store (records in a file, indexes and columns in typed arrays)', () => {
  beforeEach(() => {
    store = new RecordsStore(schema);
  });

  test('an updated record keeps its place in insertion order, with its new values', () => {
    const ids = ['A', 'B', 'C'].map((Name) => write('insert', { Name }));
    write('update', { Id: ids[0], Name: 'A2' });
    assert.deepEqual(names('SELECT Name FROM Account'), ['A2', 'B', 'C']);
    assert.deepEqual(names("SELECT Name FROM Account WHERE Name LIKE '%2' OR Name = 'C'"), ['A2', 'C']);
    assert.equal(store.table('Account')!.row(ids[0])![store.table('Account')!.slot(store.schema.get('Account')!.byLower.get('name')!)], 'A2');
  });

  test('an external id moves with an update: the old value is free, the new one taken', () => {
    const id = write('insert', { Name: 'A', External_Id__c: 'X-1' });
    write('update', { Id: id, External_Id__c: 'X-2' });
    assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'x-1'"), 0);
    assert.deepEqual(rows("SELECT Id FROM Account WHERE External_Id__c = 'x-2'").map((r) => r.Id), [id]);
    assert.doesNotThrow(() => write('insert', { Name: 'B', External_Id__c: 'X-1' }));
    assert.throws(() => write('insert', { Name: 'C', External_Id__c: 'x-2' }), /DUPLICATE_VALUE/);
  });

  test('a rolled-back journal restores values, indexes and scan columns', () => {
    const id = write('insert', { Name: 'Keep', Industry: 'Banking', External_Id__c: 'K-1' });
    const journal: Undo[] = [];
    write('update', { Id: id, Industry: 'Energy', External_Id__c: 'K-2' }, journal);
    write('insert', { Name: 'Gone', Industry: 'Energy' }, journal);
    deleteRecord(ctx(journal), id, false);
    assert.equal(count('SELECT COUNT() FROM Account'), 1);
    for (const undo of journal.reverse()) undo();
    assert.deepEqual(names("SELECT Name FROM Account WHERE Industry = 'Banking'"), ['Keep']);
    assert.equal(count("SELECT COUNT() FROM Account WHERE Industry = 'Energy'"), 0);
    assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'K-1'"), 1);
    assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'K-2'"), 0);
  });

  test('soft-deleted records leave queries and come back with queryAll; hard delete drops them', () => {
    const [a, b] = ['A', 'B'].map((Name) => write('insert', { Name, Industry: 'Retail' }));
    deleteRecord(ctx(), a, false);
    assert.equal(count("SELECT COUNT() FROM Account WHERE Industry = 'Retail'"), 1);
    assert.deepEqual(runSoql(store, "SELECT Name, IsDeleted FROM Account WHERE Industry = 'Retail'", true).rows.length, 2);
    assert.equal(store.find(a)?.deleted, true);
    deleteRecord(ctx(), a, true);
    assert.equal(store.find(a), undefined);
    assert.equal(store.table('Account')!.deletedCount, 0);
    assert.equal(store.find(b)?.deleted, false);
  });

  test('a field with more distinct values than a scan column holds is still filtered right', () => {
    for (let i = 0; i < 600; i++) write('insert', { Name: `N${i}`, Industry: i % 2 ? 'Energy' : 'Banking', NumberOfEmployees: i });
    assert.equal(count('SELECT COUNT() FROM Account WHERE NumberOfEmployees < 100'), 100);
    assert.equal(count("SELECT COUNT() FROM Account WHERE Industry = 'Energy' AND NumberOfEmployees >= 300"), 150);
    assert.deepEqual(names('SELECT Name FROM Account WHERE NumberOfEmployees IN (7, 599) LIMIT 1'), ['N7']);
  });

  test('long, non-ASCII and empty values round-trip', () => {
    const description = `Zürich ${'ü'.repeat(20_000)} 東京`;
    const ascii = 'x'.repeat(31_000);
    const id = write('insert', { Name: 'São Paulo — ünïcode', Description: description, Website: '' });
    const plain = write('insert', { Name: 'Plain', Description: ascii });
    const [row] = rows(`SELECT Name, Description, Website FROM Account WHERE Id = '${id}'`);
    assert.equal(row.Name, 'São Paulo — ünïcode');
    assert.equal(row.Description, description);
    assert.equal(row.Website, null);
    assert.equal(rows(`SELECT Description FROM Account WHERE Id = '${plain}'`)[0].Description, ascii);
    assert.equal(count("SELECT COUNT() FROM Account WHERE Name LIKE 'São%'"), 1);
  });

  test('a query result keeps its rows in the record file: the heap holds 4 bytes a row, pages read the rows as of the query', () => {
    const description = 'd'.repeat(1000);
    const ids = Array.from({ length: 20_000 }, (_, i) => write('insert', { Name: `Q${i}`, Description: description }));
    const before = heapUsed();
    const outcome = runSoql(store, 'SELECT Id, Name, Description FROM Account');
    const held = heapUsed() - before;
    assert.equal(outcome.rows.length, 20_000);
    // The rows decoded hold 20 MB of descriptions; the result holds their versions (80 KB).
    assert.ok(held < 2_000_000, `the result holds ${held} heap bytes`);
    write('update', { Id: ids[19_999], Name: 'Changed after the query' });
    deleteRecord(ctx(), ids[0], true);
    assert.equal(recordJson(outcome, 0, 'v62.0').Name, 'Q0');
    assert.equal(recordJson(outcome, 19_999, 'v62.0').Name, 'Q19999');
    assert.equal(recordJson(outcome, 19_999, 'v62.0').Description, description);
    assert.equal(outcome.rows.at(20_000), undefined);
  });

  test('a result lists live rows, then recycle-bin rows, each in insertion order, also after rewrites; LIMIT cuts after that', () => {
    const [a, b] = ['A', 'B', 'C', 'D'].map((Name) => write('insert', { Name }));
    write('update', { Id: a, Name: 'A2' });
    deleteRecord(ctx(), b, false);
    const all = runSoql(store, 'SELECT Name FROM Account', true);
    assert.deepEqual(Array.from({ length: all.rows.length }, (_, i) => recordJson(all, i, 'v62.0').Name), ['A2', 'C', 'D', 'B']);
    assert.deepEqual(names('SELECT Name FROM Account LIMIT 2'), ['A2', 'C']);
    assert.deepEqual(names("SELECT Name FROM Account WHERE Name != 'C' LIMIT 2"), ['A2', 'D']);
  });

  test('a store reopened on its data folder replays the record file: versions, bin, rollbacks, hard deletes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-store-'));
    try {
      const reopen = storeIn(dir);
      const ids = Array.from({ length: 25 }, (_, i) => write('insert', { Name: `R${i}`, Industry: 'Retail', External_Id__c: `E${i}` }));
      write('update', { Id: ids[3], Name: 'R3b' });
      deleteRecord(ctx(), ids[4], false);
      deleteRecord(ctx(), ids[5], true);
      const journal: Undo[] = [];
      write('update', { Id: ids[6], Name: 'Rolled back', External_Id__c: 'E-NEW' }, journal);
      deleteRecord(ctx(journal), ids[7], true);
      for (const undo of journal.reverse()) undo();
      const before = rows('SELECT Id, Name, Industry, External_Id__c FROM Account ORDER BY Name');
      // A version cut short at the end of the file (the process was killed while writing it) is dropped.
      store.flush();
      appendFileSync(join(dir, recordFileName('Account')), Buffer.from([1, 0, 0, 0, 200, 0, 0, 0, 2]));
      reopen();
      assert.deepEqual(rows('SELECT Id, Name, Industry, External_Id__c FROM Account ORDER BY Name'), before);
      assert.equal(before.length, 23);
      assert.equal(store.find(ids[4])?.deleted, true);
      assert.equal(store.find(ids[5]), undefined);
      assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'E6'"), 1);
      assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'E-NEW'"), 0);
      assert.equal(count("SELECT COUNT() FROM Account WHERE Industry = 'Retail'"), 23);
      assert.equal(store.highestSequence(), 25);
      const added = write('insert', { Name: 'After reopening' });
      assert.equal(store.find(added)?.deleted, false);
      store.reset();
      reopen();
      assert.equal(count('SELECT COUNT() FROM Account'), 0);
      write('insert', { Name: 'After reset' });
      reopen();
      assert.deepEqual(names('SELECT Name FROM Account'), ['After reset']);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a record file with more dead entries than live ones is compacted when it is opened; a cut-off compaction is dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-store-'));
    const file = join(dir, recordFileName('Account'));
    try {
      const reopen = storeIn(dir);
      const ids = Array.from({ length: 10 }, (_, i) => write('insert', { Name: `C${i}`, Industry: 'Retail', External_Id__c: `X${i}` }));
      for (let round = 1; round <= 5; round++) for (const id of ids) write('update', { Id: id, Name: `C${ids.indexOf(id)}.${round}` });
      deleteRecord(ctx(), ids[8], false);
      deleteRecord(ctx(), ids[9], true);
      const journal: Undo[] = [];
      write('update', { Id: ids[7], Name: 'Rolled back' }, journal);
      for (const undo of journal.reverse()) undo();
      const current = rows('SELECT Id, Name, Industry, External_Id__c FROM Account');
      store.flush();
      const grown = statSync(file).size;
      // What a kill during a compaction leaves: the new file half written beside the whole record file.
      writeFileSync(`${file}.compacting`, Buffer.from([1, 2, 3]));
      reopen();
      assert.equal(existsSync(`${file}.compacting`), false);
      const compacted = statSync(file).size;
      assert.ok(compacted < grown / 3, `${compacted} bytes after compaction, ${grown} before`);
      assert.deepEqual(rows('SELECT Id, Name, Industry, External_Id__c FROM Account'), current);
      assert.equal(store.find(ids[8])?.deleted, true);
      assert.equal(store.find(ids[9]), undefined);
      assert.equal(count("SELECT COUNT() FROM Account WHERE External_Id__c = 'X3'"), 1);
      write('update', { Id: ids[0], Name: 'After compaction' });
      reopen();
      assert.equal(statSync(file).size > compacted, true, 'a file with few dead entries is kept as it is');
      assert.deepEqual(names(`SELECT Name FROM Account WHERE Id = '${ids[0]}'`), ['After compaction']);
      assert.equal(count('SELECT COUNT() FROM Account'), 8);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
