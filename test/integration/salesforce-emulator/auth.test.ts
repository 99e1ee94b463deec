import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import jsforce from 'jsforce';
import { CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, VERSION, connect, inspect, passwordToken, start, type Emulator } from './helpers.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function jwt(claims: Record<string, unknown>, key = keys.privateKey): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const data = `${part({ alg: 'RS256' })}.${part(claims)}`;
  return `${data}.${sign('RSA-SHA256', Buffer.from(data), key).toString('base64url')}`;
}

describe('emulator auth', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await start({ jwtCertificate: publicPem });
  });
  after(() => emulator.close());

  test('OAuth password grant through conn.login with client id and secret', async () => {
    const conn = new jsforce.Connection({ loginUrl: emulator.url, version: VERSION, oauth2: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: emulator.url } });
    const info = await conn.login(USERNAME, PASSWORD);
    assert.equal(conn.instanceUrl, emulator.url);
    assert.equal(info.organizationId, '00D000000000001AAA');
    assert.match(info.id, /^005/);
    const identity = await conn.identity();
    assert.equal(identity.username, USERNAME);
    await assert.rejects(conn.login(USERNAME, 'wrong'), (e: Error) => e.name === 'invalid_grant' && /authentication failure/.test(e.message));
  });

  test('SOAP login without client credentials, and its fault', async () => {
    const conn = new jsforce.Connection({ loginUrl: emulator.url, version: VERSION });
    const info = await conn.login(USERNAME, PASSWORD);
    assert.equal(conn.instanceUrl, emulator.url);
    assert.match(info.id, /^005/);
    assert.ok((await conn.describeGlobal()).sobjects.length >= 6);
    await assert.rejects(new jsforce.Connection({ loginUrl: emulator.url, version: VERSION }).login(USERNAME, 'nope'), /INVALID_LOGIN/);
  });

  test('refresh_token grant: jsforce refreshes an unknown session and retries', async () => {
    const oauth2 = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: emulator.url };
    const res = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: USERNAME, password: PASSWORD }),
    });
    const token = (await res.json()) as { refresh_token: string; signature: string; issued_at: string; token_type: string };
    assert.equal(token.token_type, 'Bearer');
    assert.match(token.issued_at, /^\d{13}$/);
    const conn = new jsforce.Connection({ instanceUrl: emulator.url, accessToken: 'stale', refreshToken: token.refresh_token, oauth2, version: VERSION });
    let refreshed = 0;
    conn.on('refresh', () => refreshed++);
    const limits = await conn.limits();
    assert.equal(refreshed, 1);
    assert.ok(limits.DailyApiRequests.Max > 0);
    const bad = await fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: 'nope' }) });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'invalid_grant', error_description: 'expired access/refresh token' });
  });

  test('JWT bearer grant verifies the RS256 signature', async () => {
    const conn = new jsforce.Connection({ instanceUrl: emulator.url, loginUrl: emulator.url, version: VERSION, oauth2: { loginUrl: emulator.url } });
    const exp = Math.floor(Date.now() / 1000) + 180;
    await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt({ iss: CLIENT_ID, sub: USERNAME, aud: 'https://login.salesforce.com', exp }) });
    assert.equal((await conn.query('SELECT Id FROM User')).totalSize, 1);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await assert.rejects(conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt({ iss: CLIENT_ID, sub: USERNAME, aud: 'https://login.salesforce.com', exp }, other) }), /signature/);
    await assert.rejects(conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt({ iss: CLIENT_ID, sub: USERNAME, aud: 'https://login.salesforce.com', exp: exp - 3600 }) }), /expired/);
  });

  test('unknown tokens get 401 INVALID_SESSION_ID; versions need no session', async () => {
    const res = await fetch(`${emulator.url}/services/data/v${VERSION}/sobjects`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const versions = (await (await fetch(`${emulator.url}/services/data`)).json()) as { version: string }[];
    assert.ok(versions.some((v) => v.version === VERSION));
  });

  test('only listed API versions are served: a retired one answers 410, an unknown one 404', async () => {
    const versions = (await (await fetch(`${emulator.url}/services/data`)).json()) as { version: string }[];
    const [oldest, latest] = [versions[0].version, versions.at(-1)!.version];
    const token = await passwordToken(emulator.url);
    const get = (version: string) => fetch(`${emulator.url}/services/data/v${version}/limits`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal((await get(oldest)).status, 200);
    assert.equal((await get(latest)).status, 200);
    const retired = await get(`${Number(oldest) - 1}.0`);
    assert.equal(retired.status, 410);
    assert.equal(((await retired.json()) as { errorCode: string }[])[0].errorCode, 'UNSUPPORTED_API_VERSION');
    const future = await get(`${Number(latest) + 1}.0`);
    assert.equal(future.status, 404);
    assert.deepEqual(await future.json(), [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    assert.equal((await get(`${latest.slice(0, -2)}.5`)).status, 404);
    await assert.rejects(new jsforce.Connection({ loginUrl: emulator.url, version: `${Number(latest) + 1}.0` }).login(USERNAME, PASSWORD), /UNSUPPORTED_API_VERSION/);
  });

  test('injected session expiry: jsforce (conn.login) logs in again and the call succeeds', async () => {
    const conn = new jsforce.Connection({ loginUrl: emulator.url, version: VERSION, oauth2: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: emulator.url } });
    await conn.login(USERNAME, PASSWORD);
    const first = conn.accessToken;
    await inspect(emulator, 'POST', '/faults', { sessionExpiryAfter: 2 });
    try {
      for (let i = 0; i < 5; i++) await conn.sobject('Account').create({ Name: `Expiry ${i}` });
      assert.notEqual(conn.accessToken, first);
      assert.equal((await conn.query('SELECT COUNT() FROM Account WHERE Name LIKE \'Expiry%\'')).totalSize, 5);
    } finally {
      await inspect(emulator, 'DELETE', '/faults');
    }
    const plain = await connect(emulator);
    assert.ok(plain.accessToken);
  });
});
