import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

describe('roles, CSRF and languages', () => {
  let services: TestServices;
  let viewer: TestUser;
  let operator: TestUser;
  let admin: TestUser;
  before(async () => {
    services = await connectTestServices();
    [viewer, operator, admin] = await Promise.all([signIn(services, 'viewer'), signIn(services, 'operator'), signIn(services, 'admin')]);
  });
  after(() => services.cleanup());

  test('a viewer reads but cannot change anything; an operator can', async () => {
    const app = createApp(services);
    await request(app).get('/dashboard').set(viewer.headers).expect(200);
    const refused = await request(app).post('/api/v1/nowhere').set(viewer.headers).send({}).expect(403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    // Past the policy and CSRF: the route simply does not exist.
    await request(app).post('/api/v1/nowhere').set(operator.headers).send({}).expect(404);
    // A viewer may still sign out.
    const leaving = await signIn(services, 'viewer');
    await request(app).post('/logout').set(leaving.headers).expect(303);
    await request(app).get('/dashboard').set(leaving.headers).expect(303);
  });

  test('admin-only areas: users, audit, queue board, connection changes', async () => {
    const app = createApp(services);
    for (const path of ['/admin', '/admin/audit', '/admin/queues/', '/api/v1/users', '/api/v1/audit']) {
      await request(app).get(path).set(operator.headers).expect(403);
      await request(app).get(path).set(admin.headers).expect(200);
    }
    const board = await request(app).get('/admin/queues/').set(admin.headers).expect(200);
    assert.match(board.text, /__UI_CONFIG__/);
    assert.match(board.text, /\{"text":"← DMS dashboard","url":"\/dashboard"\}/, 'the queue board links back to DMS');
    await request(app).delete('/api/v1/connections/x').set(operator.headers).expect(403);
  });

  test('state changes from a session need the CSRF token', async () => {
    const app = createApp(services);
    const refused = await request(app).post('/api/v1/nowhere').set('Cookie', operator.cookie).send({}).expect(403);
    assert.equal(refused.body.error.code, 'CSRF_REFUSED');
    await request(app).post('/api/v1/nowhere').set('Cookie', operator.cookie).set('x-csrf-token', 'forged').send({}).expect(403);
    await request(app).post('/api/v1/nowhere').set('Cookie', operator.cookie).type('form').send({ _csrf: operator.csrf }).expect(404);
    // HTTP Basic API clients need no token.
    await request(app).post('/api/v1/nowhere').set('Authorization', operator.basic).send({}).expect(404);
  });

  test('admins manage users; a role change ends that user\'s sessions', async () => {
    const app = createApp(services);
    await request(app).post('/admin/users').set(admin.headers).type('form').send({ _csrf: admin.csrf, username: 'carol', password: 'carol-password', role: 'viewer' }).expect(303);
    const users = await request(app).get('/api/v1/users').set(admin.headers).expect(200);
    const carol = users.body.users.find((u: { username: string }) => u.username === 'carol');
    assert.equal(carol.role, 'viewer');
    assert.equal(JSON.stringify(users.body).includes('scrypt'), false);
    const target = await signIn(services, 'viewer');
    await request(app).get('/dashboard').set(target.headers).expect(200);
    await request(app).patch(`/api/v1/users/${target.username}`).set(admin.headers).send({ role: 'operator' }).expect(200);
    await request(app).get('/api/v1/dashboard').set(target.headers).expect(401);
  });

  test('the dashboard shows queue depths and workers', async () => {
    const app = createApp(services);
    await services.producer.enqueue('diagnostics.ping', { requestedAt: new Date().toISOString(), requestedBy: 'test' });
    const snapshot = await request(app).get('/api/v1/dashboard').set(viewer.headers).expect(200);
    const diagnostics = snapshot.body.queues.find((q: { name: string }) => q.name === 'diagnostics');
    assert.equal(diagnostics.waiting, 1);
    assert.equal(snapshot.body.workers, 0);
    assert.deepEqual(snapshot.body.runs, []);
  });

  test('language from Accept-Language, then the remembered switch', async () => {
    const app = createApp(services);
    const zh = await request(app).get('/login').set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.5').expect(200);
    assert.match(zh.text, /<html lang="zh-CN">/);
    assert.match(zh.text, /用户名/);
    const en = await request(app).get('/login').set('Accept-Language', 'zh-CN').set('Cookie', 'lang=en').expect(200);
    assert.match(en.text, /User name/);
    const sw = await request(app).get('/lang/zh-CN').set('Referer', 'http://elsewhere.example/x').expect(303);
    assert.equal(sw.headers.location, '/');
    assert.match(String(sw.headers['set-cookie']), /lang=zh-CN; Max-Age=31536000/);
    const page = await request(app).get('/dashboard').set('Cookie', `${viewer.cookie}; lang=zh-CN`).expect(200);
    assert.match(page.text, /队列深度/);
    await request(app).get('/lang/fr').expect(404);
  });
});
