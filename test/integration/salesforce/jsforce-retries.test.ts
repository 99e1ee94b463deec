import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import { connectTestServices } from '../../support/services.js';
import { loadCredentials, LOCAL_ORG_CONNECTION_ID, testConnection } from '../../../src/connections/index.js';
import { openSession, readWithRetries, sfJson, toSalesforceError } from '../../../src/salesforce/index.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

/**
 * The calls that do not go through DMS's own HTTP helper (src/salesforce/http.ts): the OAuth login and jsforce's
 * own requests (identity). A burst of 503s from the org (the emulator's fault injection) is tried through as every
 * other call is; the org's daily limit is not retried.
 */
describe('logins and jsforce reads through transient Salesforce failures', () => {
  let services: TestServices;
  let emulator: RunningEmulator;
  let limited: RunningEmulator;
  const faults = (body: Record<string, number>, at = emulator) =>
    fetch(`${at.url}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const pending503s = async () => ((await (await fetch(`${emulator.url}/__emulator/faults`)).json()) as { status503Next: number }).status503Next;

  before(async () => {
    emulator = await startEmulator({ port: 0, enableInspection: true });
    limited = await startEmulator({ port: 0, enableInspection: true, dailyApiRequests: 1 });
    services = await connectTestServices({ LOCAL_ORG_URL: emulator.url });
  });
  after(async () => {
    await services.cleanup();
    await emulator.close();
    await limited.close();
  });

  test('testing a connection logs in through three 503s in a row and reads who it is', async () => {
    await faults({ status503Next: 3 });
    const check = await testConnection(services, LOCAL_ORG_CONNECTION_ID);
    assert.equal(check.username, 'admin@local.org');
    assert.equal(await pending503s(), 0, 'the three 503s were answered (and tried through)');
  });

  test('a jsforce read outlasts more 503s than jsforce itself retries (six tries)', async () => {
    const session = await openSession('retry-test', await loadCredentials(services, LOCAL_ORG_CONNECTION_ID));
    await faults({ status503Next: 7 });
    const identity = await readWithRetries(() => session.conn.identity());
    assert.equal(identity.username, 'admin@local.org');
    assert.equal(await pending503s(), 0);
  });

  test('the daily API limit is not retried: the read fails at once with REQUEST_LIMIT_EXCEEDED', async () => {
    const session = await openSession('limited', { kind: 'local', url: limited.url });
    await sfJson(session, { method: 'GET', path: '/limits' }); // spends the one request of the day
    const startedAt = Date.now();
    const failure = await readWithRetries(() => session.conn.identity()).then(() => undefined, (error: unknown) => toSalesforceError(error));
    assert.equal(failure?.errorCode, 'REQUEST_LIMIT_EXCEEDED');
    assert.ok(failure?.dailyLimit);
    assert.ok(Date.now() - startedAt < 2000, 'no backoff spent on a limit that lasts the day');
  });
});
