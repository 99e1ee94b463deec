import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectServices } from '../../../src/services.js';
import { startEmbeddedCouch, startEmbeddedRedis, type ChildService } from '../../../src/embedded/index.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTestServices, testConfig } from '../../support/services.js';
import { signIn } from '../../support/sign-in.js';

describe('/healthz and /readyz', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  test('green against real Redis and the CouchDB-compatible server, with versions', async () => {
    const services = await connectTestServices();
    stops.push(() => services.cleanup());
    const app = createApp(services);
    const res = await request(app).get('/healthz').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.match(res.body.redis.version, /^\d+\.\d+/);
    assert.equal(res.body.couchdb.ok, true);
    assert.ok(res.body.couchdb.version);
    await request(app).get('/readyz').expect(200, { ready: true });
  });

  test('readiness follows the process: 503 while it is not taking traffic', async () => {
    const services = await connectTestServices();
    stops.push(() => services.cleanup());
    const readiness = { ready: false };
    const app = createApp(services, { readiness });
    await request(app).get('/readyz').expect(503, { ready: false });
    readiness.ready = true;
    await request(app).get('/readyz').expect(200);
  });

  test('503 naming the service when Redis or CouchDB goes down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dms-health-'));
    const redis: ChildService & { url: string } = await startEmbeddedRedis(dir, process.env.PATH ?? '');
    const couch: ChildService & { url: string } = await startEmbeddedCouch('memory');
    let redisUp = true;
    let couchUp = true;
    stops.push(async () => {
      if (redisUp) await redis.stop();
      if (couchUp) await couch.stop();
    });
    const config = testConfig({ REDIS_URL: redis.url, COUCHDB_URL: couch.url });
    const services = await connectServices(config);
    stops.push(() => services.close());
    const app = createApp(services);
    await request(app).get('/healthz').expect(200);

    await couch.stop();
    couchUp = false;
    const couchDown = await request(app).get('/healthz').expect(503);
    assert.equal(couchDown.body.status, 'unavailable');
    assert.equal(couchDown.body.redis.ok, true);
    assert.equal(couchDown.body.couchdb.ok, false);
    assert.ok(couchDown.body.couchdb.error);

    await redis.stop();
    redisUp = false;
    const bothDown = await request(app).get('/healthz').expect(503);
    assert.equal(bothDown.body.redis.ok, false);
  });

  test('a malformed JSON body is a 400 that names the problem, also for a browser', async () => {
    const services = await connectTestServices();
    stops.push(() => services.cleanup());
    const operator = await signIn(services, 'operator');
    const res = await request(createApp(services))
      .post('/api/v1/diagnostics/ping')
      .set('Authorization', operator.basic)
      .set('Content-Type', 'application/json')
      .send('{"holdMs": ')
      .expect(400);
    assert.equal(res.body.error.code, 'ENTITY_PARSE_FAILED');
  });

  test('unknown paths answer 404 as JSON for API clients and as a page for browsers', async () => {
    const services = await connectTestServices();
    stops.push(() => services.cleanup());
    const app = createApp(services);
    const viewer = await signIn(services, 'viewer');
    const json = await request(app).get('/api/v1/nothing-here').set('Authorization', viewer.basic).expect(404);
    assert.equal(json.body.error.code, 'NOT_FOUND');
    const page = await request(app).get('/nothing-here').set('Cookie', viewer.cookie).set('Accept', 'text/html').expect(404);
    assert.match(page.text, /<h1>Not found<\/h1>/);
    assert.match(page.text, /Nothing is at GET \/nothing-here/);
    const zh = await request(app).get('/nothing-here').set('Cookie', viewer.cookie).set('Accept', 'text/html').set('Accept-Language', 'zh-CN,zh;q=0.9').expect(404);
    assert.match(zh.text, /未找到/);
  });
});
