import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createRequestListener } from '../../../src/app.js';
import { withResponseCache } from '../../../src/web/response-cache.js';
import { destroySession } from '../../../src/auth/index.js';
import { getMigration, type MigrationDoc } from '../../../src/migrations/index.js';
import { saveMigration } from '../../../src/migrations/status.js';
import { docCacheKey, statusCacheKeys } from '../../../src/migrations/store.js';
import { startHarness, makeDataset, runMigration, accountMapping, type Harness } from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** Past the cache's freshness (300 ms): the next request refreshes through Express. */
const EXPIRED_MS = 400;
/** Past the stale copy's 2 s: nothing is replayed until a request has renewed the entry. */
const TOO_OLD_MS = 2100;

describe('the response cache in front of Express (what operators poll)', () => {
  let h: Harness;
  let front: ReturnType<typeof createRequestListener>;
  let viewer: TestUser;
  let operator: TestUser;
  let done: MigrationDoc;

  /** Renames the run behind the cache's back: Express would now answer with the new name. */
  const rename = async (name: string) => {
    await saveMigration(h.services, { ...(await getMigration(h.services, done._id)), name });
  };

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 6).toString('base64') } });
    front = createRequestListener(h.services, { localOrgUrl: h.emulator.url });
    [viewer, operator] = [await signIn(h.services, 'viewer'), await signIn(h.services, 'operator')];
    const datasetId = await makeDataset(h.services, ['name', 'city'], [['Cached 1', 'Paris'], ['Cached 2', 'Lyon']]);
    done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping: accountMapping(), pipeline: [] }, name: 'Cache run' });
  });
  after(async () => { await h.close(); });

  /**
   * What Express would answer now, changed behind the status generation's back (the document's Redis mirror and the
   * status copies, not the generation): only a replay still says the old name.
   */
  const renameUnseen = async (name: string) => {
    const renamed = { ...(await getMigration(h.services, done._id)), name };
    await h.services.redis.multi().set(docCacheKey(done._id), JSON.stringify(renamed)).del(...statusCacheKeys(done._id)).exec();
  };

  test('status JSON: replayed with the same headers for every signed-in session while fresh, renewed after', async () => {
    const url = `/api/v1/migrations/${done._id}`;
    const first = await request(front).get(url).set('Cookie', viewer.cookie).set('Accept-Encoding', 'identity').expect(200);
    assert.equal(first.body.migration.name, 'Cache run');
    await renameUnseen('Renamed run');
    const replayed = await request(front).get(url).set('Cookie', operator.cookie).set('Accept-Encoding', 'identity').expect(200);
    assert.equal(replayed.body.migration.name, 'Cache run', 'another session gets the shared copy');
    for (const header of ['content-type', 'content-length', 'etag', 'vary', 'content-security-policy', 'x-content-type-options']) {
      assert.equal(replayed.headers[header], first.headers[header], header);
    }
    assert.match(String(first.headers.vary), /Accept-Encoding/);
    const zipped = await request(front).get(url).set('Cookie', viewer.cookie).set('Accept-Encoding', 'br;q=1, gzip;q=0.8').expect(200);
    assert.equal(zipped.headers['content-encoding'], 'gzip', 'a browser gets the gzip form');
    assert.deepEqual(zipped.body, replayed.body);
    const refused = await request(front).get(url).set('Cookie', viewer.cookie).set('Accept-Encoding', 'gzip;q=0').expect(200);
    assert.equal(refused.headers['content-encoding'], undefined);
    await request(front).get(url).set('Cookie', viewer.cookie).set('If-None-Match', String(first.headers.etag)).expect(304);
    await sleep(EXPIRED_MS);
    const renewed = await request(front).get(url).set('Cookie', viewer.cookie).expect(200);
    assert.equal(renewed.body.migration.name, 'Renamed run');
  });

  test('a copy made before the run moved on elsewhere (a worker saved it) is never replayed, page or JSON', async () => {
    const json = `/api/v1/migrations/${done._id}`;
    const page = `/migrations/${done._id}`;
    await sleep(EXPIRED_MS);
    assert.equal((await request(front).get(json).set('Cookie', viewer.cookie).expect(200)).body.migration.name, 'Renamed run');
    assert.match((await request(front).get(page).set('Cookie', viewer.cookie).expect(200)).text, /Renamed run/);
    // As a worker does: saved in another process, so nothing passes through this one's front door.
    await rename('Saved by a worker');
    const started = Date.now();
    const after = await request(front).get(json).set('Cookie', viewer.cookie).expect(200);
    const pageAfter = await request(front).get(page).set('Cookie', viewer.cookie).expect(200);
    assert.ok(Date.now() - started < 300, 'both asked again while the copies were fresh');
    assert.equal(after.body.migration.name, 'Saved by a worker');
    assert.match(pageAfter.text, /Saved by a worker/);
    assert.doesNotMatch(pageAfter.text, /Renamed run/);
    // And the renewed copies are replayed again until the next change.
    await renameUnseen('Unseen again');
    assert.equal((await request(front).get(json).set('Cookie', operator.cookie).expect(200)).body.migration.name, 'Saved by a worker');
  });

  test('security headers: the full browser set on pages, the REST set on the JSON API, and replays keep them', async () => {
    const page = await request(front).get(`/migrations/${done._id}`).set('Cookie', viewer.cookie).expect(200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    for (let i = 0; i < 2; i++) {
      const api = await request(front).get(`/api/v1/migrations/${done._id}`).set('Cookie', viewer.cookie).expect(200);
      assert.equal(api.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
      assert.equal(api.headers['x-content-type-options'], 'nosniff');
      assert.equal(api.headers['x-frame-options'], 'DENY');
      assert.equal(api.headers['referrer-policy'], 'no-referrer');
      assert.equal(api.headers['cross-origin-resource-policy'], 'same-origin');
      for (const pageOnly of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-xss-protection', 'x-download-options']) assert.equal(api.headers[pageOnly], undefined, pageOnly);
    }
  });

  test('nothing is replayed without a valid session: signed out, unknown or ended sessions go through Express', async () => {
    const url = `/api/v1/migrations/${done._id}`;
    await request(front).get(url).set('Cookie', viewer.cookie).expect(200);
    await request(front).get(url).expect(401);
    await request(front).get(url).set('Cookie', 'dms_session=not-a-session').expect(401);
    const leaving = await signIn(h.services, 'viewer');
    await request(front).get(url).set('Cookie', leaving.cookie).expect(200);
    await destroySession(h.services, leaving.cookie.split('=')[1] as string);
    await request(front).get(url).set('Cookie', leaving.cookie).expect(401);
  });

  test('the live page is kept per session: each gets its own CSRF token and controls', async () => {
    const url = `/migrations/${done._id}`;
    const asOperator = await request(front).get(url).set('Cookie', operator.cookie).expect(200).expect('content-type', /html/);
    assert.ok(asOperator.text.includes(operator.csrf));
    assert.match(asOperator.text, /action="\/migrations\/[^"]+\/rollback"/);
    const asViewer = await request(front).get(url).set('Cookie', viewer.cookie).expect(200);
    assert.ok(!asViewer.text.includes(operator.csrf), 'another session never sees the cached page');
    assert.doesNotMatch(asViewer.text, /action="\/migrations\/[^"]+\/rollback"/);
    const zh = await request(front).get(url).set('Cookie', `${operator.cookie}; lang=zh-CN`).expect(200);
    assert.match(zh.text, /已完成/, 'the language is part of the key');
  });

  test('a state change through this process empties the cache: the next read sees it at once', async () => {
    const url = `/api/v1/migrations/${done._id}`;
    await sleep(EXPIRED_MS);
    const before = await request(front).get(url).set('Cookie', viewer.cookie).expect(200);
    await rename('Changed by a control');
    await request(front).post('/logout').set(operator.headers).expect(303);
    const after = await request(front).get(url).set('Cookie', viewer.cookie).expect(200);
    assert.notEqual(after.body.migration.name, before.body.migration.name);
    assert.equal(after.body.migration.name, 'Changed by a control');
  });

  test('after a quiet spell, many requests at once for an entry too old to replay go through Express once', async () => {
    const app = createApp(h.services, { localOrgUrl: h.emulator.url });
    let throughExpress = 0;
    const counted = withResponseCache(h.services, Object.assign((req: IncomingMessage, res: ServerResponse) => {
      throughExpress += 1;
      app(req, res);
    }, { locals: app.locals }));
    const url = `/api/v1/migrations/${done._id}`;
    await request(counted).get(url).set('Cookie', viewer.cookie).expect(200);
    assert.equal(throughExpress, 1);
    await sleep(TOO_OLD_MS);
    await rename('After the quiet spell');
    const server = createServer(counted).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const answers = await Promise.all(Array.from({ length: 20 }, () =>
        fetch(`http://127.0.0.1:${port}${url}`, { headers: { cookie: viewer.cookie } }).then(async (r) => ({ status: r.status, body: (await r.json()) as { migration: { name: string } } }))));
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.body.migration.name}`)), new Set(['200 After the quiet spell']));
      assert.equal(throughExpress, 2, 'one renewal through Express; the other 19 waited for it');
    } finally {
      server.close();
    }
  });
});
