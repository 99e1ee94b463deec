import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestListener } from '../../../src/app.js';
import { createToken } from '../../../src/auth/index.js';
import { startHarness, emulatorRecords, type Harness } from '../migrations/harness.js';
import { signIn } from '../../support/sign-in.js';
import { ensureBuiltCli, runCli } from '../../support/cli.js';

describe('the dms command as a client of a running DMS', () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let home: string;
  let token: string;
  let readToken: string;
  let csv: string;

  before(async () => {
    ensureBuiltCli();
    h = await startHarness();
    server = createServer(createRequestListener(h.services));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const user = await signIn(h.services, 'operator');
    token = (await createToken(h.services, user.username, { name: 'cli test', scope: 'operate' })).token;
    readToken = (await createToken(h.services, user.username, { name: 'read only', scope: 'read' })).token;
    home = await mkdtemp(join(tmpdir(), 'dms-cli-home-'));
    csv = join(home, 'accounts.csv');
    await writeFile(csv, 'name,city\nAcme,Oslo\nGlobex,Lima\n,Rome\n');
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
    await rm(home, { recursive: true, force: true });
  });

  const dms = (...args: string[]) => runCli(args, { home });

  test('login checks the token and saves it readable by the user only; a bad token or server is refused (3)', async () => {
    const bad = await runCli(['login', url], { home, stdin: 'dms_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n' });
    assert.equal(bad.code, 3, bad.stderr);
    assert.match(bad.stderr, /TOKEN_INVALID/);
    const unreachable = await runCli(['login', 'http://127.0.0.1:9', '--token', token], { home });
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /Cannot reach DMS/);

    const ok = await runCli(['login', url], { home, stdin: `${token}\n` });
    assert.equal(ok.code, 0, ok.stderr);
    const path = join(home, '.config', 'dms', 'config.json');
    assert.match(ok.stdout, /logged in to .* as operator-/);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(JSON.parse(await readFile(path, 'utf8'))).sort(), ['token', 'url', 'username']);
  });

  test('upload --wait, list, migrate --wait: exit 1 when a row failed, the error file names it', async () => {
    const upload = await dms('datasets', 'upload', csv, '--wait', '--json');
    assert.equal(upload.code, 0, upload.stderr);
    const dataset = JSON.parse(upload.stdout);
    assert.equal(dataset.status, 'ready');
    assert.equal(dataset.rowCount, 3);
    const list = await dms('datasets', 'list', '--json');
    assert.ok(JSON.parse(list.stdout).some((d: { id: string }) => d.id === dataset.id));

    const run = await dms('migrate', '--dataset', dataset.id, '--object', 'Account', '--operation', 'insert', '--wait', '--json');
    assert.equal(run.code, 1, `some rows failed: ${run.stderr}`);
    const status = JSON.parse(run.stdout);
    assert.equal(status.migration.state, 'completed');
    assert.deepEqual([status.totals.succeeded, status.totals.failed], [2, 1]);
    const names = (await emulatorRecords(h.emulator, 'Account')).map((r) => r.Name);
    assert.ok(names.includes('Acme') && names.includes('Globex'));

    const again = await dms('status', status.migration.id);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /completed: 2 succeeded, 1 failed, 0 skipped of 3 rows/);
    const errors = join(home, 'errors.csv');
    const results = await dms('results', status.migration.id, '--errors', '-o', errors);
    assert.equal(results.code, 0, results.stderr);
    assert.match(await readFile(errors, 'utf8'), /REQUIRED_FIELD_MISSING/);
  });

  test('migrate --file uploads first; plain progress lines when piped; exit 0 when every row succeeded', async () => {
    const good = join(home, 'good.csv');
    await writeFile(good, 'name,city\nInitech,Austin\nUmbrella,Raccoon City\n');
    const run = await dms('migrate', '--file', good, '--object', 'Account', '--operation', 'insert', '--wait');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /completed: 2 succeeded, 0 failed, 0 skipped of 2 rows/);
    assert.match(run.stderr, /uploading good\.csv/);
    assert.match(run.stderr, /mapping suggested by DMS: name -> Name, city -> BillingCity/);
    assert.match(run.stderr, /^completed 2\/2$/m, 'a plain progress line, no terminal bar');
    assert.doesNotMatch(run.stderr, /\r/);
  });

  test('usage errors exit 2, a refused request 3, a wait past --timeout 4', async () => {
    assert.equal((await dms('migrate', '--object', 'Account')).code, 2);
    assert.equal((await dms('status')).code, 2);
    const chinese = await runCli(['status'], { home, env: { LANG: 'zh_CN.UTF-8' } });
    assert.equal(chinese.code, 2);
    assert.match(chinese.stderr, /用法：dms status MIGRATION_ID/, 'the terminal\'s language');
    assert.equal((await dms('results', 'x', '--success', '--errors', '-o', 'f')).code, 2);
    assert.equal((await dms('nonsense')).code, 2);
    assert.equal((await runCli(['datasets', 'list'], { home: join(home, 'elsewhere') })).code, 2, 'not logged in');

    const refused = await runCli(['datasets', 'upload', csv], { home, env: { DMS_URL: url, DMS_TOKEN: readToken } });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /403 FORBIDDEN/);

    const upload = JSON.parse((await dms('datasets', 'upload', csv, '--wait', '--json')).stdout);
    const created = await fetch(`${url}/api/v1/migrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ datasetId: upload.id, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping: { object: 'Account', fields: [{ column: 'name', field: 'Name' }] } } }),
    });
    const never = (await created.json()) as { migration: { id: string } };
    const waited = await dms('status', never.migration.id, '--wait', '--timeout', '1');
    assert.equal(waited.code, 4, waited.stderr);
    assert.match(waited.stderr, /Timed out after 1 s/);
  });
});
