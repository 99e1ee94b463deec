import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type jsforce from 'jsforce';
import { connect, passwordToken, start, type Emulator } from '../salesforce-emulator/helpers.js';
import { SfCli } from './sf-cli.js';

type TreeRecord = { attributes: { type: string; referenceId: string } } & Record<string, unknown>;

describe('sf CLI: data import tree and data export tree (sObject Tree) against the Local org', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  let cli: SfCli;
  const org = ['--target-org', 'local'];
  before(async () => {
    emulator = await start();
    conn = await connect(emulator);
    cli = await SfCli.create();
    await cli.loginAccessToken(emulator.url, await passwordToken(emulator.url), 'local');
  });
  after(async () => {
    await emulator?.close();
    await cli?.close();
  });

  test('import tree inserts accounts with nested contacts; export tree writes them back, with and without a plan', async () => {
    const tree = { records: [
      { attributes: { type: 'Account', referenceId: 'AccRef1' }, Name: 'Tree Co', Industry: 'Banking', Contacts: { records: [
        { attributes: { type: 'Contact', referenceId: 'ConRef1' }, LastName: 'Oak', FirstName: 'Ann' },
        { attributes: { type: 'Contact', referenceId: 'ConRef2' }, LastName: 'Elm' },
      ] } },
      { attributes: { type: 'Account', referenceId: 'AccRef2' }, Name: 'Tree Two' },
    ] };
    await writeFile(join(cli.home, 'tree.json'), JSON.stringify(tree));
    const imported = await cli.ok<{ refId: string; type: string; id: string }[]>(['data', 'import', 'tree', ...org, '--files', join(cli.home, 'tree.json')]);
    assert.deepEqual(imported.map((r) => [r.refId, r.type]), [['AccRef1', 'Account'], ['ConRef1', 'Contact'], ['ConRef2', 'Contact'], ['AccRef2', 'Account']]);
    const contacts = await conn.query<{ LastName: string; AccountId: string }>('SELECT LastName, AccountId FROM Contact ORDER BY LastName');
    assert.deepEqual(contacts.records.map((c) => [c.LastName, c.AccountId]), [['Elm', imported[0].id], ['Oak', imported[0].id]]);

    const query = "SELECT Id, Name, Industry, (SELECT LastName, FirstName FROM Contacts ORDER BY LastName) FROM Account WHERE Name LIKE 'Tree%' ORDER BY Name";
    await Promise.all([
      cli.ok(['data', 'export', 'tree', ...org, '--query', query, '--output-dir', join(cli.home, 'out')]),
      cli.ok(['data', 'export', 'tree', ...org, '--query', query, '--plan', '--output-dir', join(cli.home, 'plan')]),
    ]);
    const exported = JSON.parse(await readFile(join(cli.home, 'out', 'Account-Contact.json'), 'utf8')) as { records: TreeRecord[] };
    assert.deepEqual(exported.records.map((r) => r.Name), ['Tree Co', 'Tree Two']);
    const nested = (exported.records[0].Contacts as { records: TreeRecord[] }).records;
    assert.deepEqual(nested.map((c) => [c.attributes.type, c.LastName]), [['Contact', 'Elm'], ['Contact', 'Oak']]);
    const planContacts = JSON.parse(await readFile(join(cli.home, 'plan', 'Contact.json'), 'utf8')) as { records: TreeRecord[] };
    assert.deepEqual(planContacts.records.map((c) => c.AccountId), ['@AccountRef1', '@AccountRef1']);

    const again = await cli.ok<{ refId: string; id: string }[]>(['data', 'import', 'tree', ...org, '--plan', join(cli.home, 'plan', 'Account-Contact-plan.json')]);
    assert.equal(again.length, 4);
    assert.equal((await conn.query("SELECT COUNT() FROM Contact WHERE LastName IN ('Oak', 'Elm')")).totalSize, 4);
  });

  test('a failing record fails the whole tree: nothing is saved and the errors name the record', async () => {
    const before = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
    const tree = { records: [
      { attributes: { type: 'Account', referenceId: 'Good' }, Name: 'All Or None', Contacts: { records: [
        { attributes: { type: 'Contact', referenceId: 'BadEmail' }, LastName: 'X', Email: 'not-an-email' },
      ] } },
    ] };
    await writeFile(join(cli.home, 'bad.json'), JSON.stringify(tree));
    const failed = await cli.run(['data', 'import', 'tree', ...org, '--files', join(cli.home, 'bad.json')]);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stdout, /BadEmail/);
    assert.match(failed.stdout, /INVALID_EMAIL_ADDRESS/);
    assert.equal((await conn.query('SELECT COUNT() FROM Account')).totalSize, before);
  });
});
