import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startEmulator, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import { connectTestServices } from '../../support/services.js';
import { envFor } from '../../support/worker-process.js';
import { sessionFor, sfJson } from '../../../src/salesforce/index.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

/** Runs test/support/salesforce-call.ts as a process of its own: one call to `/limits` through sessionFor. */
function callFromAnotherProcess(services: TestServices): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/salesforce-call.ts'], { env: envFor(services.config), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`exit ${code}: ${output}`)))));
}

/**
 * A worker process uses the access token another process obtained (sealed in Redis) instead of logging in before its
 * first call; a token Salesforce refuses is replaced by one login, whoever sees the refusal first.
 */
describe('one Salesforce login shared by the processes of a deployment', () => {
  let services: TestServices;
  let emulator: RunningEmulator;
  const logins = async () => ((await (await fetch(`${emulator.url}/__emulator/`)).json()) as { logins: number }).logins;

  before(async () => {
    emulator = await startEmulator({ port: 0, enableInspection: true });
    services = await connectTestServices({ LOCAL_ORG_URL: emulator.url });
  });
  after(async () => {
    await services.cleanup();
    await emulator.close();
  });

  test('two processes started at once call Salesforce after one login between them', async () => {
    const before = await logins();
    const answers = await Promise.all([callFromAnotherProcess(services), callFromAnotherProcess(services)]);
    for (const answer of answers) assert.match(answer, /"max":\d+/);
    assert.equal(await logins(), before + 1, 'one login for two processes');
  });

  test('a revoked token is replaced by one login, and every process goes on with the new one', async () => {
    const mine = await sessionFor(services, 'local');
    assert.equal((await sfJson<{ DailyApiRequests: unknown }>(mine, { method: 'GET', path: '/limits' })).DailyApiRequests !== undefined, true);
    const before = await logins();
    // The org ends the shared session (an admin revoked it, or it timed out).
    const revoked = await fetch(`${emulator.url}/services/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: mine.conn.accessToken ?? '' }) });
    assert.equal(revoked.status, 200);
    const answers = await Promise.all([callFromAnotherProcess(services), callFromAnotherProcess(services)]);
    for (const answer of answers) assert.match(answer, /"max":\d+/);
    assert.equal(await logins(), before + 1, 'the two processes refused the same token logged in once');
    // This process held the revoked token too: it takes the new one without a login of its own.
    await sfJson(mine, { method: 'GET', path: '/limits' });
    assert.equal(await logins(), before + 1, 'no login for a token another process already replaced');
  });
});
