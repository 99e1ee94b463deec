import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequestListener } from '../../../src/app.js';
import { createToken } from '../../../src/auth/index.js';
import { readDataset, type CellValue } from '../../../src/datasets/readers/index.js';
import { seed, startExportHarness, type ExportHarness } from '../exports/support.js';
import { ensureBuiltCli, runCli } from '../../support/cli.js';

/** A downloaded file's rows, read back by DMS's own readers. */
async function rowsOf(path: string, format: 'csv' | 'parquet'): Promise<CellValue[][]> {
  const data = await readFile(path);
  const rows: CellValue[][] = [];
  for await (const batch of readDataset(() => Readable.from([data]), { format, hasHeader: true })) rows.push(...batch.rows);
  return rows;
}

describe('dms export: a Salesforce query into a dataset, downloaded', () => {
  let h: ExportHarness;
  let server: Server;
  let home: string;
  let url: string;
  let token: string;
  let ids: string[];
  const names = ['CLI Acme', 'CLI "Quoted", Inc.', 'CLI Zürich 北京'];

  before(async () => {
    ensureBuiltCli();
    h = await startExportHarness();
    server = createServer(createRequestListener(h.services));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    token = (await createToken(h.services, h.user.username, { name: 'cli export', scope: 'operate' })).token;
    home = await mkdtemp(join(tmpdir(), 'dms-cli-export-'));
    const login = await runCli(['login', url, '--token', token], { home });
    assert.equal(login.code, 0, login.stderr);
    ids = await seed(h.conn, 'Account', ['Name', 'AccountNumber'], names.map((name, i) => [name, `CLI-${i}`]));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
    await rm(home, { recursive: true, force: true });
  });

  const dms = (...args: string[]) => runCli(args, { home });
  const expected = () => names.map((name, i) => [ids[i], name, `CLI-${i}`]);

  test('-o FILE waits and downloads the CSV: the records a load put in, plain progress lines when piped', async () => {
    const file = join(home, 'accounts.csv');
    const run = await dms('export', '--connection', 'Local org', '--object', 'Account', '--fields', 'Id, Name,AccountNumber',
      '--where', "AccountNumber LIKE 'CLI-%'", '-o', file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /export ds-\S+ started: SELECT Id, Name, AccountNumber FROM Account WHERE AccountNumber LIKE 'CLI-%'$/m);
    assert.match(run.stderr, /^exporting 3\/3$/m, 'a plain progress line, no terminal bar');
    assert.doesNotMatch(run.stderr, /\r/);
    assert.match(run.stdout, /^ds-\S+ ready \(3 rows\)$/m);
    assert.ok((await readFile(file, 'utf8')).startsWith('"ID","NAME","ACCOUNTNUMBER"\n'));
    assert.deepEqual((await rowsOf(file, 'csv')).sort((a, b) => String(a[2]).localeCompare(String(b[2]))), expected());
  });

  test('--soql through Bulk API 2.0 to NDJSON (from the extension) and Parquet (--format); --json answers the dataset', async () => {
    const soql = "SELECT Id, Name, AccountNumber FROM Account WHERE AccountNumber LIKE 'CLI-%' ORDER BY AccountNumber";
    const ndjson = join(home, 'accounts.ndjson');
    const run = await dms('export', '--soql', soql, '--api', 'bulk', '-o', ndjson, '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', '--json keeps quiet');
    const dataset = JSON.parse(run.stdout);
    assert.deepEqual([dataset.status, dataset.rowCount, dataset.source.api], ['ready', 3, 'bulk']);
    const lines = (await readFile(ndjson, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((r) => [r.Id, r.Name, r.AccountNumber]), expected());

    const parquet = join(home, 'accounts.bin');
    const again = await dms('export', '--soql', soql, '--format', 'parquet', '-o', parquet);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await rowsOf(parquet, 'parquet'), expected());
  });

  test('--all includes deleted records; --wait without -o leaves the dataset on the server', async () => {
    const gone = await h.conn.sobject('Account').destroy([ids[0] as string]);
    assert.ok(gone.every((r) => r.success));
    const args = ['export', '--object', 'Account', '--fields', 'Id,IsDeleted', '--where', "AccountNumber LIKE 'CLI-%'", '--wait', '--json'];
    const plain = JSON.parse((await dms(...args)).stdout);
    const all = await dms(...args, '--all');
    assert.equal(all.code, 0, all.stderr);
    const allDataset = JSON.parse(all.stdout);
    assert.deepEqual([plain.rowCount, allDataset.rowCount, allDataset.source.queryAll], [2, 3, true]);
    const list = JSON.parse((await dms('datasets', 'list', '--json')).stdout) as { id: string }[];
    assert.ok(list.some((d) => d.id === allDataset.id));
  });

  test('usage errors exit 2; a query the org refuses or an unknown connection exit 3 with the reason', async () => {
    assert.equal((await dms('export', '--object', 'Account')).code, 2, 'no fields');
    assert.equal((await dms('export', '--soql', 'SELECT Id FROM Account', '--object', 'Account', '--fields', 'Id')).code, 2);
    assert.equal((await dms('export', '--soql', 'SELECT Id FROM Account', '--api', 'soap')).code, 2);
    const badFormat = await dms('export', '--soql', 'SELECT Id FROM Account', '-o', 'x', '--format', 'pdf');
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format takes csv\|xlsx\|parquet\|ndjson, got "pdf"/);

    const refused = await dms('export', '--soql', "SELECT Id, Name FROM Account WHERE Industri = 'Energy'", '-o', join(home, 'no.csv'));
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /400 SOQL_INVALID: .*INVALID_FIELD/);
    const nowhere = await dms('export', '--connection', 'Production', '--soql', 'SELECT Id FROM Account');
    assert.equal(nowhere.code, 3);
    assert.match(nowhere.stderr, /No connection has the id or name "Production"\. Connections: local \(Local org\)/);
  });

  test('schedules list shows the next run; pause and resume by name or id', async () => {
    const job = { kind: 'export', soql: 'SELECT Id FROM Account' };
    const created = await fetch(`${url}/api/v1/schedules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nightly CLI', cron: '0 2 * * *', timezone: 'Asia/Tokyo', job }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const list = await dms('schedules', 'list');
    assert.equal(list.code, 0, list.stderr);
    const line = list.stdout.split('\n').find((l) => l.startsWith(`${id}\t`))?.split('\t');
    // 2 a.m. in Tokyo (UTC+9, no summer time) is 17:00 UTC.
    assert.deepEqual(line?.map((cell, i) => (i === 3 ? cell.slice(10) : cell)), [id, 'active', '0 2 * * * Asia/Tokyo', 'T17:00:00.000Z', 'export', 'Nightly CLI']);

    const paused = await dms('schedules', 'pause', 'Nightly CLI');
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(paused.stdout, `${id}\tpaused\t0 2 * * * Asia/Tokyo\t-\texport\tNightly CLI\n`);
    const listed = JSON.parse((await dms('schedules', 'list', '--json')).stdout) as { id: string; paused: boolean }[];
    assert.equal(listed.find((s) => s.id === id)?.paused, true);
    const resumed = JSON.parse((await dms('schedules', 'resume', id, '--json')).stdout);
    assert.deepEqual([resumed.paused, typeof resumed.nextRunAt], [false, 'string']);

    assert.equal((await dms('schedules')).code, 2);
    assert.equal((await dms('schedules', 'pause')).code, 2);
    const unknown = await dms('schedules', 'pause', 'Weekly');
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /No schedule has the id or name "Weekly"/);
  });
});
