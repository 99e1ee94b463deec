import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLIENT_ID, USERNAME, passwordToken, start, type Emulator } from '../salesforce-emulator/helpers.js';
import { SfCli } from './sf-cli.js';

describe('sf CLI: org login, display and limits against the Local org', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let emulator: Emulator;
  let cli: SfCli;
  before(async () => {
    emulator = await start({ jwtCertificate: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    cli = await SfCli.create();
    await cli.loginAccessToken(emulator.url, await passwordToken(emulator.url), 'local');
  });
  after(async () => {
    await emulator?.close();
    await cli?.close();
  });

  test('org login access-token saves the org; a bad token is refused', async () => {
    const [bad, orgs] = await Promise.all([
      cli.run(['org', 'login', 'access-token', '--instance-url', emulator.url, '--no-prompt'], { env: { SF_ACCESS_TOKEN: '00D000000000001!nope' } }),
      cli.ok<{ other: { username: string; alias?: string }[] }>(['org', 'list']),
    ]);
    assert.equal(bad.exitCode, 1);
    assert.match(String(bad.json.message), /Could not retrieve the username/);
    assert.ok(orgs.other.some((o) => o.username === USERNAME && o.alias === 'local'));
  });

  test('org display shows the latest API version the org serves, its id and username; org list limits', async () => {
    const versions = (await (await fetch(`${emulator.url}/services/data`)).json()) as { version: string }[];
    const [display, limits] = await Promise.all([
      cli.ok<{ apiVersion: string; id: string; username: string; connectedStatus: string; instanceUrl: string }>(['org', 'display', '--target-org', 'local']),
      cli.ok<{ name: string; max: number; remaining: number }[]>(['org', 'list', 'limits', '--target-org', 'local']),
    ]);
    assert.equal(display.apiVersion, versions.at(-1)!.version);
    assert.deepEqual([display.id, display.username, display.connectedStatus], ['00D000000000001AAA', USERNAME, 'Connected']);
    const daily = limits.find((l) => l.name === 'DailyApiRequests')!;
    assert.equal(daily.max, 100_000);
    assert.ok(daily.remaining < daily.max && daily.remaining > 0);
    assert.ok(limits.some((l) => l.name === 'DailyBulkV2QueryJobs'));
  });

  test('org login jwt with the key whose certificate the org holds (a wrong key: auth.test.ts)', async () => {
    const keyFile = join(cli.home, 'server.key');
    await writeFile(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const login = await cli.ok<{ username: string; orgId: string }>([
      'org', 'login', 'jwt', '--client-id', CLIENT_ID, '--jwt-key-file', keyFile, '--username', USERNAME,
      '--instance-url', emulator.url, '--alias', 'jwt',
    ]);
    assert.deepEqual([login.username, login.orgId], [USERNAME, '00D000000000001AAA']);
    const display = await cli.ok<{ username: string; connectedStatus: string }>(['org', 'display', '--target-org', 'jwt']);
    assert.deepEqual([display.username, display.connectedStatus], [USERNAME, 'Connected']);
  });
});
