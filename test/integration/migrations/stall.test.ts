import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, makeDataset, waitForState, type Harness } from './harness.js';
import { createMigration, startMigration, migrationStatus } from '../../../src/migrations/index.js';
import { SlotLimiter } from '../../../src/salesforce/index.js';
import { createWebhook } from '../../../src/webhooks/index.js';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { signIn } from '../../support/sign-in.js';

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };

/** A running migration without progress shows as stalled with what it waits for, and `stalled` webhooks hear of it. */
describe('a stalled run', () => {
  let h: Harness;
  let receiver: Server;
  const events: { event: string; body: { migration?: { id?: string } } }[] = [];
  before(async () => {
    h = await startHarness({ env: { MIGRATION_WATCHDOG_MS: '500', MIGRATION_STALLED_AFTER_MS: '1000' } });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        events.push({ event: String(req.headers['x-dms-event']), body: JSON.parse(body) as { migration?: { id?: string } } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await h.close();
  });

  test('waiting for a concurrency slot: stalled with that reason, the webhook told, then it completes', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await createWebhook(h.services, { name: 'stalls', url, events: ['stalled'] }, 'test');
    const tag = `s${Math.random().toString(36).slice(2, 8)}`;
    const datasetId = await makeDataset(h.services, ['ext', 'name'], Array.from({ length: 300 }, (_, i) => [`${tag}-${i}`, `Name ${i}`]));
    const doc = await createMigration(h.services, {
      connectionId: 'local', datasetId, object: 'Account', operation: 'insert', template: { mapping }, options: { concurrency: 1 },
    }, 'test');
    // Another holder takes the run's only slot: its batch defers again and again, making no progress.
    const hog = await new SlotLimiter(h.services.redis, `dms:slots:migration:${doc._id}`, 1, 120_000).tryAcquire();
    assert.ok(hog);
    await startMigration(h.services, doc._id, 'test');
    const deadline = Date.now() + 30_000;
    let stalled = (await migrationStatus(h.services, doc._id)).stalled;
    while (stalled?.reason !== 'slot') {
      assert.ok(Date.now() < deadline, `not reported stalled on a slot: ${JSON.stringify(stalled)}`);
      await new Promise((r) => setTimeout(r, 200));
      stalled = (await migrationStatus(h.services, doc._id)).stalled;
    }
    assert.ok(Date.parse(stalled.since) <= Date.now() - 1000);
    // The dashboard's recent runs show it stalled, with why on the badge.
    const viewer = await signIn(h.services, 'viewer');
    const dashboard = await request(createApp(h.services, { localOrgUrl: h.emulator.url })).get('/dashboard').set('Cookie', viewer.cookie).expect(200);
    assert.match(dashboard.text, /<span class="badge bad" title="waiting for a concurrency slot \(this run&#39;s or the org&#39;s\)">stalled<\/span>/);
    while (!events.some((e) => e.event === 'migration.stalled' && e.body.migration?.id === doc._id)) {
      assert.ok(Date.now() < deadline, `no stalled webhook: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    await hog.release();
    const done = await waitForState(h.services, doc._id, ['completed', 'failed']);
    assert.equal(done.state, 'completed');
    assert.equal(done.totals.succeeded, 300);
    assert.equal((await migrationStatus(h.services, doc._id)).stalled, undefined);
  });
});
