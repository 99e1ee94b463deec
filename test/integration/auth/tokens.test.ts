import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { listAudit } from '../../../src/audit/index.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { assertMatchesContract } from '../../support/contract.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;

describe('personal API tokens', () => {
  let services: TestServices;
  let operator: TestUser;
  let admin: TestUser;
  before(async () => {
    services = await connectTestServices();
    [operator, admin] = await Promise.all([signIn(services, 'operator'), signIn(services, 'admin')]);
  });
  after(() => services.cleanup());

  const mint = async (as: TestUser, body: object) => {
    const res = await request(createApp(services)).post('/api/v1/tokens').set(as.headers).send(body);
    assertMatchesContract('post', '/api/v1/tokens', res.status, res.body);
    return res;
  };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  test('a token is shown once, stored as a hash, acts within its scope and never above its owner', async () => {
    const app = createApp(services);
    const created = await mint(operator, { name: 'ci', scope: 'operate', expiresInDays: 7 });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^dms_[a-z0-9]{12}_[\w-]{43}$/);
    const stored = await services.store.db('tokens').get(`token:${created.body.id}`);
    assert.equal(JSON.stringify(stored).includes(created.body.token.slice(18)), false, 'the secret is not stored');
    const listed = await request(app).get('/api/v1/tokens').set(operator.headers).expect(200);
    assert.equal(JSON.stringify(listed.body).includes('dms_'), false, 'listing never shows a secret');

    const me = await request(app).get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    assert.deepEqual(me.body, { username: operator.username, role: 'operator', via: 'token', token: { id: created.body.id, scope: 'operate' } });
    // State changes need no CSRF token with a bearer token; operate may reach operator routes, not admin ones.
    await request(app).post('/api/v1/nowhere').set(bearer(created.body.token)).send({}).expect(404);
    await request(app).get('/api/v1/users').set(bearer(created.body.token)).expect(403);

    const readOnly = await mint(operator, { name: 'dashboards', scope: 'read' });
    const refused = await request(app).post('/api/v1/nowhere').set(bearer(readOnly.body.token)).send({}).expect(403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    // An operator's admin-scoped token is still an operator.
    const tooHigh = await mint(operator, { name: 'greedy', scope: 'admin' });
    await request(app).get('/api/v1/users').set(bearer(tooHigh.body.token)).expect(403);
    const adminToken = await mint(admin, { name: 'ops', scope: 'admin' });
    await request(app).get('/api/v1/users').set(bearer(adminToken.body.token)).expect(200);
    // A token cannot mint tokens.
    const minted = await request(app).post('/api/v1/tokens').set(bearer(adminToken.body.token)).send({ name: 'x' }).expect(403);
    assert.equal(minted.body.error.code, 'TOKEN_CANNOT_CREATE_TOKEN');
  });

  test('revoked, expired, forged and unknown tokens get 401; a disabled owner\'s tokens stop working', async () => {
    const app = createApp(services);
    const created = await mint(operator, { name: 'short-lived' });
    await request(app).get('/api/v1/me').set(bearer(created.body.token)).expect(200);
    const revoked = await request(app).delete(`/api/v1/tokens/${created.body.id}`).set(operator.headers).expect(200);
    assert.equal(revoked.body.state, 'revoked');
    const after = await request(app).get('/api/v1/me').set(bearer(created.body.token)).expect(401);
    assert.equal(after.body.error.code, 'TOKEN_INVALID');
    const forged = created.body.token.slice(0, -4) + 'AAAA';
    await request(app).get('/api/v1/me').set(bearer(forged)).expect(401);
    await request(app).get('/api/v1/me').set(bearer('dms_nonsense')).expect(401);

    const expiring = await mint(operator, { name: 'expiring' });
    const doc = await services.store.db('tokens').get(`token:${expiring.body.id}`);
    await services.store.db('tokens').insert({ ...doc, expiresAt: new Date(Date.now() - 1000).toISOString() } as never);
    await new Promise((r) => setTimeout(r, 2100));
    await request(app).get('/api/v1/me').set(bearer(expiring.body.token)).expect(401);

    const owner = await signIn(services, 'operator');
    const theirs = await mint(owner, { name: 'leaver' });
    await request(app).patch(`/api/v1/users/${owner.username}`).set(admin.headers).send({ disabled: true }).expect(200);
    await request(app).get('/api/v1/me').set(bearer(theirs.body.token)).expect(401);
    // Someone else's token cannot be revoked by an operator (admins can).
    const others = await mint(admin, { name: 'admin-only' });
    await request(app).delete(`/api/v1/tokens/${others.body.id}`).set(operator.headers).expect(404);
  });

  test('listed with last use; creation, revocation and use are audited', async () => {
    const app = createApp(services);
    const user = await signIn(services, 'operator');
    const created = await mint(user, { name: 'audited', scope: 'operate' });
    await request(app).get('/api/v1/datasets').set(bearer(created.body.token)).set('x-forwarded-for', '1.2.3.4').expect(200);
    await request(app).get('/api/v1/datasets').set(bearer(created.body.token)).expect(200);
    await request(app).post('/api/v1/nowhere').set(bearer(created.body.token)).send({}).expect(404);
    const listed = await request(app).get('/api/v1/tokens').set(user.headers).expect(200);
    assert.ok(Date.now() - Date.parse(listed.body.tokens[0].lastUsedAt) < 10_000);
    await request(app).delete(`/api/v1/tokens/${created.body.id}`).set(user.headers).expect(200);
    let actions: string[] = [];
    for (let i = 0; i < 50 && actions.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      actions = (await listAudit(services, { actor: user.username, limit: 50 })).entries.map((e) => e.action);
    }
    assert.deepEqual(actions.filter((a) => a === 'tokens.use').length, 1, 'two reads within ten minutes: one use entry');
    for (const action of ['tokens.create', 'tokens.revoke', 'nowhere.post']) assert.ok(actions.includes(action), `${action} in ${actions}`);
    const write = (await listAudit(services, { actor: user.username, action: 'nowhere.post', limit: 5 })).entries[0];
    assert.equal(write?.details?.token, created.body.id, 'a state change names its token');
  });

  test('the tokens page shows a new token once; Basic auth can be turned off', async () => {
    const app = createApp(services);
    const page = await request(app).post('/account/tokens').set(operator.headers).type('form')
      .send({ _csrf: operator.csrf, name: 'from the page', scope: 'read', expiresInDays: '30' }).expect(201);
    assert.match(page.text, /dms_[a-z0-9]{12}_[\w-]{43}/);
    const again = await request(app).get('/account/tokens').set(operator.headers).expect(200);
    assert.match(again.text, /from the page/);
    assert.doesNotMatch(again.text, /dms_[a-z0-9]{12}_[\w-]{43}/);

    await request(app).get('/api/v1/me').set('Authorization', operator.basic).expect(200);
    const strict = await connectTestServices({ API_BASIC_AUTH: 'false' });
    try {
      const user = await signIn(strict, 'operator');
      const off = await request(createApp(strict)).get('/api/v1/me').set('Authorization', user.basic).expect(401);
      assert.equal(off.body.error.code, 'BASIC_AUTH_OFF');
    } finally {
      await strict.cleanup();
    }
  });
});
