import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, writeDataset, type Harness } from '../preflight/support.js';

describe('templates over the API and pages', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(() => h.close());

  const v1 = {
    name: 'Contacts import', object: 'Contact', operation: 'insert',
    mapping: { object: 'Contact', fields: [{ column: 'last', field: 'LastName' }, { column: 'mail', field: 'Email' }] },
    pipeline: [{ op: 'trim', columns: ['last'] }],
    sourceColumns: [{ name: 'last', type: 'string' }, { name: 'mail', type: 'string' }],
  };

  test('every save is a new immutable version; list, get, versions and diff', async () => {
    const first = await h.post('/api/v1/templates', v1).expect(201);
    assert.equal(first.body.version, 1);
    assert.equal(first.body.createdBy, h.user.username);
    const v2 = { ...v1, mapping: { ...v1.mapping, fields: [{ column: 'last', field: 'LastName' }, { column: 'phone', field: 'Phone' }] }, pipeline: [{ op: 'trim', columns: ['last'] }, { op: 'case', columns: ['last'], mode: 'title' }] };
    const second = await h.post('/api/v1/templates', v2).expect(201);
    assert.equal(second.body.version, 2);
    await h.post('/api/v1/templates', { ...v1, name: 'Other' }).expect(201);

    const list = await h.get('/api/v1/templates').expect(200);
    assert.deepEqual(list.body.templates.map((t: { name: string; latest: number }) => [t.name, t.latest]), [['Contacts import', 2], ['Other', 1]]);
    assert.equal((await h.get('/api/v1/templates/Contacts%20import').expect(200)).body.version, 2);
    const old = await h.get('/api/v1/templates/Contacts%20import/versions/1').expect(200);
    assert.deepEqual(old.body.mapping.fields, v1.mapping.fields, 'version 1 is unchanged');
    const versions = await h.get('/api/v1/templates/Contacts%20import/versions').expect(200);
    assert.deepEqual(versions.body.versions.map((v: { version: number }) => v.version), [1, 2]);
    await h.get('/api/v1/templates/Contacts%20import/versions/3').expect(404);

    const diff = await h.get('/api/v1/templates/Contacts%20import/diff?from=1&to=2').expect(200);
    assert.deepEqual(diff.body.mapping.added, [{ kind: 'field', column: 'phone', field: 'Phone' }]);
    assert.deepEqual(diff.body.mapping.removed, [{ kind: 'field', column: 'mail', field: 'Email' }]);
    assert.deepEqual(diff.body.pipeline.added, [{ step: 2, value: { op: 'case', columns: ['last'], mode: 'title' } }]);

    const page = await h.get('/templates/Contacts%20import/diff?from=1&to=2').expect(200);
    assert.match(page.text, /class="diff-added">\+ phone → Phone/);
    assert.match((await h.get('/templates').expect(200)).text, /Contacts import/);
  });

  test('refuses an invalid template with a 400 naming the problem', async () => {
    const res = await h.post('/api/v1/templates', { ...v1, name: 'bad:name' }).expect(400);
    assert.match(res.body.error.message, /name/);
    const pipeline = await h.post('/api/v1/templates', { ...v1, pipeline: [{ op: 'nope' }] }).expect(400);
    assert.equal(pipeline.body.error.code, 'VALIDATION_FAILED');
  });

  test('check explains missing and extra columns and type changes against a dataset', async () => {
    await h.post('/api/v1/templates', { ...v1, name: 'Checked' }).expect(201);
    const fits = await writeDataset(h.services, ['last', 'mail', 'extra'], [['a', 'b', 'c']], 5000, [{ name: 'last', type: 'string' }, { name: 'mail', type: 'integer' }]);
    const ok = await h.post('/api/v1/templates/Checked/check', { datasetId: fits }).expect(200);
    assert.equal(ok.body.compatible, true);
    assert.deepEqual(ok.body.extraColumns, ['extra']);
    assert.deepEqual(ok.body.typeConcerns, []);
    const lacks = await writeDataset(h.services, ['surname', 'mail'], [['a', 'b']]);
    const bad = await h.post('/api/v1/templates/Checked/check', { datasetId: lacks }).expect(200);
    assert.equal(bad.body.compatible, false);
    assert.deepEqual(bad.body.missingColumns, [{ column: 'last', usedBy: 'step 1 (trim)' }]);
    const page = await h.get(`/templates/Checked?datasetId=${lacks}`).expect(200);
    assert.match(page.text, /Column &#39;last&#39; is missing: step 1 \(trim\) reads it/);
  });

  test('the save form of the mapping page stores a version and redirects to it', async () => {
    const res = await h.post('/templates', {
      _csrf: h.user.csrf, name: 'From form', object: 'Contact', operation: 'insert', externalIdField: '',
      mapping: JSON.stringify(v1.mapping), pipeline: JSON.stringify(v1.pipeline), sourceColumns: '[]',
    }).type('form').expect(303);
    assert.equal(res.headers.location, '/templates/From%20form?version=1&saved=1');
  });

  test('a template too large for the records that copy it is refused with its size (413), and nothing is saved', async () => {
    const map = Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`code-${i}`, `Value number ${i}`]));
    const big = { ...v1, name: 'Huge map', pipeline: [{ op: 'valueMap', columns: ['last'], map }] };
    const res = await h.post('/api/v1/templates', big).expect(413);
    assert.equal(res.body.error.code, 'TEMPLATE_TOO_LARGE');
    assert.match(res.body.error.message, /^Template "Huge map" takes [\d,]+ bytes; a template may take at most 262,144/);
    await h.get('/api/v1/templates/Huge%20map').expect(404);
  });

  test('saves of one name at the same moment each get their own consecutive version', async () => {
    const saves = await Promise.all(Array.from({ length: 6 }, (_, i) => h.post('/api/v1/templates', { ...v1, name: 'Concurrent', pipeline: [{ op: 'trim', columns: [`c${i}`] }] }).expect(201)));
    assert.deepEqual(saves.map((s) => s.body.version as number).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
    const versions = await h.get('/api/v1/templates/Concurrent/versions').expect(200);
    assert.equal(versions.body.versions.length, 6);
  });
});
