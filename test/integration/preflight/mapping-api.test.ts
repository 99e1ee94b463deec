import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startHarness, writeDataset, type Harness } from './support.js';

/** The text of an attribute EJS escaped. */
const unescape = (text: string) => text.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('mapping API, preview and mapping page against the emulator', () => {
  let h: Harness;
  let datasetId: string;
  const columns = ['Last Name', 'first_name', 'E-Mail', 'Account.External_Id__c', 'Level', 'Birth date', 'notes'];
  const rows = [
    ['Smith', 'Ann', 'ann@example.com', 'A-1', 'Primary', '2001-02-03', 'ok'],
    ['', 'Bob', 'not-an-email', 'A-2', 'Boss', '2001-02-30', 'x'],
    ['Long'.repeat(30), 'Cy', 'cy@example.com', 'A-3', 'Secondary', '03/04/2001', 'y'],
  ];
  before(async () => {
    h = await startHarness();
    datasetId = await writeDataset(h.services, columns, rows);
  });
  after(() => h.close());

  test('describe gives the writable fields with lookups and parent keys', async () => {
    const res = await h.get('/api/v1/describe/local/Contact').expect(200);
    const account = res.body.fields.find((f: { name: string }) => f.name === 'AccountId');
    assert.equal(account.relationshipName, 'Account');
    assert.ok(account.parentKeys.includes('External_Id__c'));
    assert.equal(res.body.fields.find((f: { name: string }) => f.name === 'LastName').required, true);
    assert.equal(res.body.fields.some((f: { name: string }) => f.name === 'Name'), false, 'the read-only Name is not offered');
  });

  test('suggest maps columns to Contact fields with scores, and the relationship column by external id', async () => {
    const res = await h.post('/api/v1/mapping/suggest', { datasetId, connectionId: 'local', object: 'Contact' }).expect(200);
    const by = Object.fromEntries(res.body.suggestions.map((s: { column: string }) => [s.column, s]));
    assert.equal(by['Last Name'].field, 'LastName');
    assert.equal(by['Last Name'].score, 0.95);
    assert.equal(by['first_name'].field, 'FirstName');
    assert.equal(by['E-Mail'].field, 'Email');
    assert.equal(by['Account.External_Id__c'].field, 'AccountId');
    assert.deepEqual(by['Account.External_Id__c'].relationship, { relationshipName: 'Account', externalIdField: 'External_Id__c' });
    assert.deepEqual(res.body.mapping.relationships, [{ column: 'Account.External_Id__c', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }]);
    assert.deepEqual(res.body.unmappedRequired, []);
  });

  test('suggest against Account flags the unmapped required Name', async () => {
    const res = await h.post('/api/v1/mapping/suggest', { datasetId, connectionId: 'local', object: 'Account' }).expect(200);
    assert.deepEqual(res.body.unmappedRequired.map((u: { field: string }) => u.field), ['Name']);
  });

  test('preview marks each invalid cell with its Salesforce status code, within 200 ms once warm', async () => {
    const body = {
      datasetId, connectionId: 'local', object: 'Contact',
      // onInvalid 'null': the dates that do not cast are remarks, so the rows' other values are checked.
      pipeline: [{ op: 'trim', columns: ['Last Name'] }, { op: 'cast', columns: ['Birth date'], to: 'date', onInvalid: 'null' }],
      mapping: {
        object: 'Contact',
        fields: [{ column: 'Last Name', field: 'LastName' }, { column: 'E-Mail', field: 'Email' }, { column: 'Level', field: 'Level__c' }, { column: 'Birth date', field: 'Birthdate' }],
        relationships: [], constants: [],
      },
    };
    await h.post('/api/v1/preview', body).expect(200);
    const started = performance.now();
    const res = await h.post('/api/v1/preview', body).expect(200);
    const elapsed = performance.now() - started;
    assert.ok(elapsed <= 200, `preview took ${elapsed.toFixed(0)} ms`);
    assert.equal(res.body.rows.length, 3);
    const cells = new Set(res.body.invalid.map((c: { row: number; column: string | null; code: string }) => `${c.row}|${c.column}|${c.code}`));
    for (const expected of [
      '2|E-Mail|INVALID_EMAIL_ADDRESS',
      '2|Level|INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      '3|Last Name|STRING_TOO_LONG',
    ]) assert.ok(cells.has(expected), `${expected} is marked (got ${[...cells].join(', ')})`);
    const remarks = res.body.remarks.map((c: { row: number; column: string; code: string }) => `${c.row}|${c.column}|${c.code}`);
    // 30 February, and 03/04/2001 without an order: not dates.
    assert.deepEqual(remarks, ['2|Birth date|CAST_INVALID_DATE', '3|Birth date|CAST_INVALID_DATE']);
    // Row 2 also lacks LastName: an org would say so only once its other values are accepted; the preview says it at once.
    assert.equal(cells.has('2|Last Name|REQUIRED_FIELD_MISSING'), true);
    assert.equal(res.body.invalid.some((c: { row: number }) => c.row === 1), false, 'row 1 is valid');
    const message = res.body.invalid.find((c: { code: string }) => c.code === 'INVALID_EMAIL_ADDRESS').message;
    assert.equal(message, 'Email: invalid email address: not-an-email');

    // By default a bad value in a mapped column fails its row, as the run does; the row's other problems are marked too.
    const failing = await h.post('/api/v1/preview', { ...body, pipeline: [{ op: 'cast', columns: ['Birth date'], to: 'date' }] }).expect(200);
    const marked = failing.body.invalid.map((c: { row: number; column: string; field: string; code: string }) => `${c.row}|${c.column}|${c.field}|${c.code}`);
    assert.deepEqual(marked.sort(), [
      '2|Birth date|Birthdate|CAST_INVALID_DATE', '2|E-Mail|Email|INVALID_EMAIL_ADDRESS', '2|Last Name|LastName|REQUIRED_FIELD_MISSING',
      '2|Level|Level__c|INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', '3|Birth date|Birthdate|CAST_INVALID_DATE', '3|Last Name|LastName|STRING_TOO_LONG',
    ]);
    assert.deepEqual(failing.body.remarks, []);
  });

  test('preview of a pipeline naming a missing column answers 400 with the reason', async () => {
    const res = await h.post('/api/v1/preview', { datasetId, pipeline: [{ op: 'trim', columns: ['Nope'] }] }).expect(400);
    assert.equal(res.body.error.code, 'PIPELINE_INVALID');
    assert.match(res.body.error.message, /Nope/);
  });

  test('the flow\'s mapping and transform pages render suggestions with scores and escape a hostile header', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const id = await writeDataset(h.services, ['LastName', 'Email Address', hostile], [['Doe', 'd@example.com', 'x']]);
    const draft = await h.post('/api/v1/drafts', { datasetId: id }).expect(201);
    await request(h.app).patch(draft.body.urls.self).set(h.user.headers).send({ object: 'Contact' }).expect(200);
    const res = await h.get(`/migrations/drafts/${draft.body.id}/mapping`).expect(200);
    assert.ok(!res.text.includes(hostile), 'the header is never written raw');
    assert.ok(res.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.match(res.text, /<tr data-column="LastName">[\s\S]*?<option value="LastName" selected>[\s\S]*?data-score="1"[\s\S]*?100 %/);
    assert.match(res.text, /<tr data-column="Email Address">[\s\S]*?<option value="Email" selected>[\s\S]*?data-score="0.8"[\s\S]*?80 %/);
    const transform = await h.get(`/migrations/drafts/${draft.body.id}/pipeline`).expect(200);
    assert.match(transform.text, /<script src="\/public\/js\/pipeline-editor.js" defer><\/script>/);
    // Every option of the editor is labelled and explained in the reader's language, the "bad value" choice too.
    const messages = (html: string) => JSON.parse(unescape(/data-i18n="([^"]+)"/.exec(html)?.[1] ?? '{}')) as Record<string, string>;
    const en = messages(transform.text);
    assert.equal(en['mapping.onInvalid'], 'Bad value');
    assert.match(en['mapping.onInvalid.help'] ?? '', /^What a value this step cannot convert does: /);
    assert.deepEqual([en['mapping.onInvalid.fail'], en['mapping.onInvalid.null']], ['Fail the row', 'Empty the cell and go on']);
    assert.equal(en['pipeline.opt.timeZone'], 'Time zone');
    assert.equal(en['pipeline.opt.thousandsSeparator'], 'Thousands separator');
    assert.equal(en['pipeline.opt.lookup.field'], 'Find by field');
    // The lookup step offers the parents of Contact from describe, each with the fields it can be found by.
    const lookups = JSON.parse(unescape(/data-lookups="([^"]+)"/.exec(transform.text)?.[1] ?? '[]')) as { object: string; into: string[]; fields: { name: string }[] }[];
    const account = lookups.find((p) => p.object === 'Account');
    assert.deepEqual(account?.into, ['AccountId']);
    assert.equal(account?.fields[0].name, 'Name', 'the name field comes first');
    assert.ok(account?.fields.some((f) => f.name === 'External_Id__c'));
    assert.ok(!account?.fields.some((f) => f.name === 'Description'), 'a long text area cannot be compared in a query');
    const zh = messages((await h.get(`/migrations/drafts/${draft.body.id}/pipeline`).set('Accept-Language', 'zh-CN').expect(200)).text);
    assert.equal(zh['mapping.onInvalid'], '无效值');
    assert.match(zh['mapping.onInvalid.help'] ?? '', /^此步骤无法转换的值如何处理/);
    assert.equal(zh['pipeline.opt.timeZone'], '时区');
    assert.equal(zh['mapping.op.lookup'], '查找父记录');
    const zhMapping = await h.get(`/migrations/drafts/${draft.body.id}/mapping`).set('Accept-Language', 'zh-CN').expect(200);
    assert.match(zhMapping.text, /API 名称相同/, 'the reason of a suggestion is translated');
    assert.ok(!/<script>/.test(res.text + transform.text), 'no inline scripts (CSP)');
  });
});
