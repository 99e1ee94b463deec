import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startHarness, writeDataset, type Harness } from '../preflight/support.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { appRoutes, assertMatchesContract, documentedRoutes } from '../../support/contract.js';

describe('the OpenAPI contract of /api/v1', () => {
  let h: Harness;
  let admin: TestUser;
  let datasetId: string;
  before(async () => {
    h = await startHarness({ workers: true });
    admin = await signIn(h.services, 'admin');
    datasetId = await writeDataset(h.services, ['name', 'city'], [['Acme', 'Oslo'], ['Globex', 'Lima'], ['', 'Rome']]);
  });
  after(() => h.close());

  /** One request through the app, checked against the document. */
  const call = async (method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: object, as: TestUser = admin) => {
    const res = await request(h.app)[method](url).set(as.headers).send(body);
    assertMatchesContract(method, url, res.status, res.body, String(res.headers['content-type'] ?? ''));
    return res;
  };

  test('every /api/v1 route of the app is in the document, and the document names no route the app lacks', () => {
    const served = appRoutes(h.app).filter((r) => r.includes(' /api/v1/'));
    const documented = documentedRoutes();
    assert.deepEqual(served.filter((r) => !documented.includes(r)), [], 'routes missing from the document');
    assert.deepEqual(documented.filter((r) => !served.includes(r)), [], 'documented routes the app does not serve');
  });

  test('the document is OpenAPI 3.1, public, and every $ref points into it', async () => {
    const res = await request(h.app).get('/api/v1/openapi.json').expect(200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.ok(res.body.paths['/api/v1/datasets/{id}'].get.responses['200'].content['application/json'].schema);
    const refs = JSON.stringify(res.body).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 0);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
      assert.ok(name && res.body.components.schemas[name], `${ref} resolves`);
    }
    const upload = res.body.paths['/api/v1/datasets'].post.requestBody.content;
    assert.ok(upload['multipart/form-data'], 'the upload is documented as multipart');
  });

  test('answers match their documented schemas: datasets, templates, mapping, validations, migrations, admin', async () => {
    await call('get', '/api/v1/datasets');
    await call('get', `/api/v1/datasets/${datasetId}`);
    await call('get', `/api/v1/datasets/${datasetId}/rows?limit=2`);
    await call('get', `/api/v1/datasets/${datasetId}/issues`);
    await call('get', '/api/v1/describe/local/Account');
    const suggested = await call('post', '/api/v1/mapping/suggest', { datasetId, object: 'Account' });
    const mapping = suggested.body.mapping;
    await call('post', '/api/v1/preview', { datasetId, object: 'Account', mapping });
    await call('post', '/api/v1/templates', { name: 'Accounts', object: 'Account', operation: 'insert', mapping });
    await call('get', '/api/v1/templates');
    await call('get', '/api/v1/templates/Accounts');
    await call('get', '/api/v1/templates/Accounts/versions');
    await call('get', '/api/v1/templates/Accounts/versions/1');
    await call('get', '/api/v1/templates/Accounts/diff');
    await call('post', '/api/v1/templates/Accounts/check', { datasetId });
    const validation = await call('post', '/api/v1/validations', { datasetId, object: 'Account', operation: 'insert', mapping });
    await call('get', `/api/v1/validations/${validation.body.id}`);

    const created = await call('post', '/api/v1/migrations', { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } });
    const id = created.body.migration.id;
    await call('post', `/api/v1/migrations/${id}/start`);
    for (let i = 0; i < 300; i++) {
      const status = await call('get', `/api/v1/migrations/${id}?errors=true`);
      if (['completed', 'failed'].includes(status.body.migration.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = await call('get', `/api/v1/migrations/${id}?errors=true`);
    assert.equal(done.body.migration.state, 'completed');
    assert.equal(done.body.totals.failed, 1, 'the row without a name failed');
    await call('get', `/api/v1/migrations/${id}/batches`);
    await call('get', `/api/v1/migrations/${id}/results/errors.csv`);
    await call('get', '/api/v1/migrations?state=completed');
    await call('get', '/api/v1/connections');
    await call('get', '/api/v1/users');
    await call('get', '/api/v1/audit?limit=5');
    await call('get', '/api/v1/dashboard');
    await call('delete', `/api/v1/datasets/${await writeDataset(h.services, ['a'], [['1']])}`);
  });

  test('run controls, retries, roll back, users, re-parse and the worker ping match their schemas too', async () => {
    const mapping = { object: 'Account', fields: [{ column: 'name', field: 'Name' }] };
    const create = () => call('post', '/api/v1/migrations', { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } });
    const idle = (await create()).body.migration.id;
    await call('post', `/api/v1/migrations/${idle}/cancel`);
    const refused = await call('post', `/api/v1/migrations/${idle}/pause`);
    assert.equal(refused.status, 409);
    const run = (await create()).body.migration.id;
    await call('post', `/api/v1/migrations/${run}/start`);
    for (let i = 0; i < 300 && (await call('get', `/api/v1/migrations/${run}`)).body.migration.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await call('get', `/api/v1/migrations/${run}/results/success.csv`);
    const child = await call('post', `/api/v1/migrations/${run}/retry-failed`, { edits: [] });
    assert.equal(child.status, 201);
    await call('post', `/api/v1/migrations/${run}/rollback`);
    await call('post', `/api/v1/migrations/${child.body.migration.id}/resume`);

    await call('post', '/api/v1/users', { username: 'contract-user', password: 'contract-password', role: 'viewer' });
    await call('patch', '/api/v1/users/contract-user', { role: 'operator' });
    await call('post', `/api/v1/datasets/${datasetId}/reparse`, {});
    const ping = await call('post', '/api/v1/diagnostics/ping', {});
    assert.equal(ping.status, 200);
  });

  test('errors come in one shape with a request id, also in the X-Request-Id header', async () => {
    const missing = await call('get', '/api/v1/datasets/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    assert.equal(missing.body.error.requestId, missing.headers['x-request-id']);
    const invalid = await call('post', '/api/v1/migrations', { datasetId, object: 'Account' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, 'VALIDATION_FAILED');
    assert.ok(Array.isArray(invalid.body.error.details));
    const anonymous = await request(h.app).get('/api/v1/datasets').set('x-request-id', 'script-run-0001').expect(401);
    assert.deepEqual(Object.keys(anonymous.body.error).sort(), ['code', 'message', 'requestId']);
    assert.equal(anonymous.body.error.requestId, 'script-run-0001');
  });

  test('the reference page serves Swagger UI from this host', async () => {
    const page = await request(h.app).get('/api-docs').set(admin.headers).expect(200);
    assert.match(page.text, /src="\/public\/vendor\/swagger-ui\/swagger-ui-bundle\.js"/);
    assert.doesNotMatch(page.text, /https?:\/\/(?!www\.w3\.org)[^"' ]*\.(js|css)/, 'no asset from another host');
    const bundle = await request(h.app).get('/public/vendor/swagger-ui/swagger-ui-bundle.js').expect(200);
    assert.match(String(bundle.headers['content-type']), /javascript/);
  });
});
