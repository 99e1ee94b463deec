import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { createUser, LOGIN_LIMITS } from '../../../src/auth/index.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

const setCookies = (res: { headers: Record<string, unknown> }): string[] => (res.headers['set-cookie'] as string[] | undefined) ?? [];

/** GET /login to obtain the pre-session cookie and its CSRF token, as a browser would. */
async function loginForm(agent: ReturnType<typeof request.agent>): Promise<string> {
  const page = await agent.get('/login').expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(token, 'the login form carries a CSRF token');
  return token;
}

describe('sign in and out', () => {
  let services: TestServices;
  before(async () => {
    services = await connectTestServices();
    await createUser(services, { username: 'alice', password: 'correct horse battery', role: 'operator' }, 'test');
  });
  after(() => services.cleanup());

  test('pages redirect to /login, the API answers 401 JSON', async () => {
    const app = createApp(services);
    const page = await request(app).get('/').set('Accept', 'text/html').expect(303);
    assert.equal(page.headers.location, '/login?next=%2F');
    const api = await request(app).get('/api/v1/diagnostics').expect(401);
    assert.equal(api.body.error.code, 'UNAUTHENTICATED');
    await request(app).get('/healthz').expect(200);
  });

  test('a good password opens a Redis session with a secure cookie; logout ends it', async () => {
    const agent = request.agent(createApp(services));
    const csrf = await loginForm(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'Alice', password: 'correct horse battery', next: '/dashboard' }).expect(303);
    assert.equal(res.headers.location, '/dashboard');
    const cookie = String(setCookies(res).find((c: string) => c.startsWith('dms_session=')));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.ok((await services.redis.keys(`${services.config.queue.prefix}:session:*`)).length >= 1);
    const home = await agent.get('/').set('Accept', 'text/html').expect(200);
    assert.match(home.text, /alice/);
    const token = /name="csrf-token" content="([^"]+)"/.exec(home.text)?.[1] ?? '';
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
    await agent.get('/').set('Accept', 'text/html').expect(303);
  });

  test('the login form refuses a missing CSRF token and an off-site next', async () => {
    const agent = request.agent(createApp(services));
    await loginForm(agent);
    await agent.post('/login').type('form').send({ username: 'alice', password: 'correct horse battery' }).expect(403);
    const csrf = await loginForm(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'alice', password: 'correct horse battery', next: '//evil.example' }).expect(303);
    assert.equal(res.headers.location, '/');
  });

  test('a wrong password is refused with one message for every cause', async () => {
    const agent = request.agent(createApp(services));
    const csrf = await loginForm(agent);
    const wrong = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'alice', password: 'nope' }).expect(401);
    const unknown = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'nobody', password: 'nope' }).expect(401);
    assert.match(wrong.text, /user name or password is wrong/);
    assert.match(unknown.text, /user name or password is wrong/);
    assert.equal(setCookies(wrong).some((c: string) => c.startsWith('dms_session=')), false);
  });

  test('repeated failures lock the user name out for a while, even with the right password', async () => {
    await createUser(services, { username: 'bob', password: 'bob-password-1', role: 'viewer' }, 'test');
    const agent = request.agent(createApp(services));
    const csrf = await loginForm(agent);
    for (let i = 0; i < LOGIN_LIMITS.perUser; i++) {
      await agent.post('/login').type('form').send({ _csrf: csrf, username: 'bob', password: `wrong-${i}` }).expect(401);
    }
    const locked = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'bob', password: 'bob-password-1' }).expect(429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.match(locked.text, /Too many failed sign-ins/);
  });

  test('a session survives a new app instance (it lives in Redis)', async () => {
    const agent = request.agent(createApp(services));
    const csrf = await loginForm(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, username: 'alice', password: 'correct horse battery' }).expect(303);
    const cookie = String(setCookies(res).find((c: string) => c.startsWith('dms_session='))).split(';')[0] ?? '';
    const other = createApp(services);
    const page = await request(other).get('/').set('Cookie', cookie).set('Accept', 'text/html').expect(200);
    assert.match(page.text, /alice/);
  });

  test('HTTP Basic works on the API only, without CSRF', async () => {
    const app = createApp(services);
    const basic = `Basic ${Buffer.from('alice:correct horse battery').toString('base64')}`;
    await request(app).get('/api/v1/diagnostics').set('Authorization', basic).expect((r) => assert.notEqual(r.status, 401));
    await request(app).get('/').set('Authorization', basic).set('Accept', 'text/html').expect(303);
  });
});
