import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { startEmulator, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import { loadCredentials, LOCAL_ORG_CONNECTION_ID } from '../../../src/connections/index.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

describe('connections', () => {
  let services: TestServices;
  let emulator: RunningEmulator;
  let admin: TestUser;
  let operator: TestUser;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

  before(async () => {
    emulator = await startEmulator({ port: 0, jwtCertificate: keys.publicKey });
    services = await connectTestServices({ LOCAL_ORG_URL: emulator.url, SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
    admin = await signIn(services, 'admin');
    operator = await signIn(services, 'operator');
  });
  after(async () => {
    await services.cleanup();
    await emulator.close();
  });

  const passwordConnection = () => ({
    method: 'password',
    name: 'Emulator by password',
    loginUrl: emulator.url,
    username: 'admin@local.org',
    password: 'password',
    securityToken: 'TOKEN-SHOULD-STAY-SECRET',
    clientId: 'dms-local',
    clientSecret: 'dms-local-secret',
    production: true,
  });

  test('secrets are encrypted at rest and never come back in responses', async () => {
    const app = createApp(services);
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send(passwordConnection()).expect(201);
    const listed = await request(app).get('/api/v1/connections').set(operator.headers).expect(200);
    const page = await request(app).get('/connections').set(admin.headers).set('Accept', 'text/html').expect(200);
    for (const text of [JSON.stringify(created.body), JSON.stringify(listed.body), page.text]) {
      assert.doesNotMatch(text, /TOKEN-SHOULD-STAY-SECRET|dms-local-secret|"password":|sealed|"secret"/);
    }
    assert.deepEqual(listed.body.connections.map((c: { id: string }) => c.id), [LOCAL_ORG_CONNECTION_ID, created.body.id]);
    const raw = JSON.stringify(await services.store.db('connections').get(`connection:${created.body.id}`));
    assert.doesNotMatch(raw, /TOKEN-SHOULD-STAY-SECRET|dms-local-secret|password"?:"password/);
    assert.match(raw, /"secret":\{"v":1,"iv":"[^"]+","tag":"[^"]+","data":"[^"]+"\}/);
    const credentials = await loadCredentials(services, created.body.id);
    assert.equal(credentials.kind === 'password' && credentials.securityToken, 'TOKEN-SHOULD-STAY-SECRET');
  });

  test('only admins add or remove connections; operators may list them', async () => {
    const app = createApp(services);
    await request(app).post('/api/v1/connections').set(operator.headers).send(passwordConnection()).expect(403);
    await request(app).post('/connections').set(operator.headers).type('form').send({ ...passwordConnection(), _csrf: operator.csrf }).expect(403);
    const form = await request(app).post('/connections').set('Cookie', admin.cookie).type('form').send({ ...passwordConnection(), production: 'on', _csrf: admin.csrf }).expect(303);
    assert.equal(form.headers.location, '/connections');
  });

  test('"Test connection" shows org id, user and limits from the emulator, for stored and Local org connections', async () => {
    const app = createApp(services);
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({ ...passwordConnection(), securityToken: '' }).expect(201);
    const check = await request(app).post(`/api/v1/connections/${created.body.id}/test`).set(admin.headers).expect(200);
    assert.equal(check.body.orgId, '00D000000000001AAA');
    assert.equal(check.body.username, 'admin@local.org');
    assert.ok(check.body.limits.some((l: { name: string; max: number }) => l.name === 'DailyApiRequests' && l.max === 100_000));
    const local = await request(app).post(`/connections/${LOCAL_ORG_CONNECTION_ID}/test`).set(admin.headers).set('Accept', 'text/html').expect(200);
    assert.match(local.text, /00D000000000001AAA/);
  });

  test('JWT bearer with an uploaded private key logs in', async () => {
    const app = createApp(services);
    const created = await request(app)
      .post('/api/v1/connections')
      .set(admin.headers)
      .send({ method: 'jwt', name: 'JWT', loginUrl: emulator.url, username: 'admin@local.org', clientId: 'dms-local', privateKey: keys.privateKey })
      .expect(201);
    const raw = JSON.stringify(await services.store.db('connections').get(`connection:${created.body.id}`));
    assert.doesNotMatch(raw, /PRIVATE KEY/);
    const check = await request(app).post(`/api/v1/connections/${created.body.id}/test`).set(admin.headers).expect(200);
    assert.equal(check.body.orgId, '00D000000000001AAA');
  });

  test('a wrong password fails the test with Salesforce\'s reason', async () => {
    const app = createApp(services);
    const created = await request(app).post('/api/v1/connections').set(admin.headers).send({ ...passwordConnection(), password: 'wrong', securityToken: '', clientId: '', clientSecret: '' }).expect(201);
    const failed = await request(app).post(`/api/v1/connections/${created.body.id}/test`).set(admin.headers).expect(502);
    assert.match(failed.body.error.message, /INVALID_LOGIN/);
  });

  test('the OAuth web-server flow sends the browser to Salesforce with a PKCE challenge and checks the state', async () => {
    const app = createApp(services);
    const start = await request(app)
      .post('/connections/oauth/start')
      .set(admin.headers)
      .type('form')
      .send({ name: 'OAuth', loginUrl: emulator.url, clientId: 'dms-local', clientSecret: 'dms-local-secret' })
      .expect(303);
    const url = new URL(start.headers.location ?? '');
    assert.equal(url.pathname, '/services/oauth2/authorize');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(url.searchParams.get('redirect_uri') ?? '', /\/connections\/oauth\/callback$/);
    const state = url.searchParams.get('state') ?? '';
    const raw = await services.redis.get(`${services.config.queue.prefix}:oauth-state:${state}`);
    assert.doesNotMatch(raw ?? '', /dms-local-secret/);
    // Another user cannot complete someone else's sign-in, and a state works once.
    const other = await signIn(services, 'admin');
    await request(app).get(`/connections/oauth/callback?state=${state}&code=abc`).set(other.headers).expect(400);
    await request(app).get(`/connections/oauth/callback?state=${state}&code=abc`).set(admin.headers).expect(400);
  });

  test('the Local org resolves to the emulator URL, and fails clearly when none runs', async () => {
    assert.deepEqual(await loadCredentials(services, LOCAL_ORG_CONNECTION_ID), { kind: 'local', url: `${emulator.url}/` });
    const withoutLocal = { ...services, config: { ...services.config, emulator: { ...services.config.emulator, localOrgUrl: undefined } } };
    await assert.rejects(loadCredentials(withoutLocal, LOCAL_ORG_CONNECTION_ID), /Local org is not running/);
  });
});
