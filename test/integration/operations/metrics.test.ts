import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createToken } from '../../../src/auth/index.js';
import { startHarness, type Harness } from '../preflight/support.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { parsePrometheus, valueOf } from '../../support/prometheus.js';

const CSV = 'name,city\nAcme,Oslo\nGlobex,Lima\n,Rome\n';

describe('/metrics', () => {
  let h: Harness;
  let admin: TestUser;
  let scraper: string;
  before(async () => {
    h = await startHarness({ workers: true });
    admin = await signIn(h.services, 'admin');
    scraper = (await createToken(h.services, admin.username, { name: 'prometheus', scope: 'metrics' })).token;
  });
  after(() => h.close());

  const scrape = async () => {
    const res = await request(h.app).get('/metrics').set('Authorization', `Bearer ${scraper}`).expect(200);
    assert.match(String(res.headers['content-type']), /^text\/plain;.*version=0\.0\.4/);
    return parsePrometheus(res.text);
  };

  test('only admins and metrics tokens read it; a metrics token reads nothing else', async () => {
    await request(h.app).get('/metrics').expect(401);
    await request(h.app).get('/metrics').set(h.user.headers).expect(403);
    await request(h.app).get('/metrics').set(admin.headers).expect(200);
    const reader = await createToken(h.services, admin.username, { name: 'reader', scope: 'read' });
    await request(h.app).get('/metrics').set('Authorization', `Bearer ${reader.token}`).expect(403);
    const refused = await request(h.app).get('/api/v1/datasets').set('Authorization', `Bearer ${scraper}`).expect(403);
    assert.equal(refused.body.error.code, 'TOKEN_SCOPE');
  });

  test('a parse and a migration show in request durations, queues, jobs, rows, API calls, parse bytes and memory', async () => {
    const upload = await request(h.app).post('/api/v1/datasets').set(h.user.headers).attach('file', Buffer.from(CSV), 'accounts.csv').expect(202);
    const datasetId = upload.body.id;
    for (let i = 0; i < 200 && (await h.get(`/api/v1/datasets/${datasetId}`)).body.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    const mapping = { object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }] };
    const created = await h.post('/api/v1/migrations', { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } }).expect(201);
    const id = created.body.migration.id;
    await h.post(`/api/v1/migrations/${id}/start`, {}).expect(200);
    let samples = await scrape();
    for (let i = 0; i < 300; i++) {
      samples = await scrape();
      if (valueOf(samples, 'dms_rows_total', { outcome: 'failed', object: 'Account' }) !== undefined) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = { connection: 'local', object: 'Account', operation: 'insert' };
    assert.equal(valueOf(samples, 'dms_rows_total', { ...rows, outcome: 'succeeded' }), 2);
    assert.equal(valueOf(samples, 'dms_rows_total', { ...rows, outcome: 'failed' }), 1);
    assert.equal(valueOf(samples, 'dms_parse_bytes_total', { format: 'csv' }), Buffer.byteLength(CSV));
    assert.equal(valueOf(samples, 'dms_parse_rows_total', { format: 'csv' }), 3);
    assert.ok((valueOf(samples, 'dms_salesforce_api_calls_total', { connection: 'local' }) ?? 0) >= 2, 'describe and the write');
    const batchJobs = valueOf(samples, 'dms_job_duration_seconds_count', { queue: 'migration-batches', name: 'migration.batch', outcome: 'completed' });
    assert.equal(batchJobs, 1);
    assert.equal(valueOf(samples, 'dms_job_duration_seconds_bucket', { queue: 'migration-batches', name: 'migration.batch', outcome: 'completed', le: '+Inf' }), 1);
    assert.ok((valueOf(samples, 'dms_queue_jobs', { queue: 'migrations', state: 'completed' }) ?? 0) >= 2, 'plan and finalize');
    assert.equal(valueOf(samples, 'dms_queue_jobs', { queue: 'migration-batches', state: 'waiting' }), 0);
    const statusRoute = { method: 'GET', route: '/api/v1/datasets/:id', status: '200' };
    assert.ok((valueOf(samples, 'dms_http_request_duration_seconds_count', statusRoute) ?? 0) >= 1);
    assert.ok(samples.every((s) => !s.labels.route?.includes(datasetId)), 'routes are patterns, not URLs');
    assert.ok((valueOf(samples, 'process_resident_memory_bytes') ?? 0) > 10_000_000);
    assert.ok(samples.some((s) => s.name === 'dms_process_resident_memory_bytes' && s.value > 10_000_000));
    const remaining = valueOf(samples, 'dms_salesforce_api_remaining', { connection: 'local' });
    assert.ok(remaining !== undefined && remaining > 0, 'the Local org\'s remaining daily requests');
  });
});
