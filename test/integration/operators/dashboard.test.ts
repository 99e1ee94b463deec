import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { startHarness, makeDataset, runMigration, accountMapping, type Harness } from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

describe('the dashboard counts the day', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let viewer: TestUser;

  before(async () => {
    h = await startHarness();
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    viewer = await signIn(h.services, 'viewer');
  });
  after(async () => { await h.close(); });

  test('recent runs with totals, rows written today by org and object, the failure rate, API calls of the allowance', async () => {
    const template = { mapping: accountMapping() };
    const accounts = await makeDataset(h.services, ['name', 'city'], Array.from({ length: 9 }, (_, i) => [i < 1 ? '' : `Dash ${i}`, 'Town']));
    const first = await runMigration(h.services, { datasetId: accounts, object: 'Account', operation: 'insert', template, name: 'Dash one' });
    const second = await runMigration(h.services, { datasetId: accounts, object: 'Account', operation: 'insert', template, name: 'Dash two' });
    const res = await request(app).get('/api/v1/dashboard').set('Cookie', viewer.cookie).expect(200);
    const { figures } = res.body;
    assert.deepEqual(figures.recent.map((r: { _id: string }) => r._id).slice(0, 2), [second._id, first._id]);
    assert.deepEqual(figures.recent[0].totals, { rows: 9, succeeded: 8, failed: 1, skipped: 0 });
    assert.deepEqual(figures.today, [{ connectionId: 'local', connection: 'Local org', object: 'Account', succeeded: 16, failed: 2 }]);
    assert.equal(figures.written, 16);
    assert.equal(figures.failureRate, 2 / 18);
    assert.equal(figures.apiUse.length, 1);
    assert.equal(figures.apiUse[0].connection, 'Local org');
    assert.ok(figures.apiUse[0].max > 0 && figures.apiUse[0].used >= 0);
    const page = await request(app).get('/dashboard').set('Cookie', viewer.cookie).expect(200);
    assert.match(page.text, /<div class="figure" id="written-today">16<\/div>/);
    assert.match(page.text, /<div class="figure" id="failure-rate">11.1 %<\/div>/);
    assert.match(page.text, /<table id="today-by-org">[\s\S]*?<td>Local org<\/td><td>Account<\/td><td>16<\/td><td>2<\/td>/);
    const zh = await request(app).get('/dashboard').set('Cookie', `${viewer.cookie}; lang=zh-CN`).expect(200);
    assert.match(zh.text, /今日写入行数/);
    assert.match(zh.text, /<td>本地组织<\/td><td>Account<\/td>/);
    assert.match(zh.text, /已完成/);
  });
});
