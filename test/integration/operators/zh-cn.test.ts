import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { getDraft } from '../../../src/drafts/index.js';
import { getValidation } from '../../../src/preflight/index.js';
import { saveTemplate, TemplateInput } from '../../../src/templates/index.js';
import { startHarness, makeDataset, runMigration, setFaults, type Harness } from '../migrations/harness.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

const catalogue = (locale: string): Map<string, string> => new Map(
  readdirSync(`locales/${locale}`).filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.entries(JSON.parse(readFileSync(`locales/${locale}/${f}`, 'utf8')) as Record<string, string>)),
);

/**
 * The English texts a Chinese page must not show: every catalogue message with a different Chinese text, cut at
 * its placeholders; pieces of at least two words (a lone word such as "Name" may be data).
 */
function englishPieces(): Map<string, string> {
  const zh = catalogue('zh-CN');
  const out = new Map<string, string>();
  for (const [key, text] of catalogue('en')) {
    if (zh.get(key) === text) continue;
    for (const piece of text.split(/\{\w+\}/)) {
      const words = piece.trim().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
      if (/\p{L}+\s+\p{L}+/u.test(words) && words.length >= 6) out.set(words, key);
    }
  }
  return out;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'", nbsp: ' ' };
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#34|#39|nbsp);/g, (_, e: string) => entities[e] ?? '');

/** What a reader sees or hears of a page: text, placeholders, titles, labels, and the messages page scripts show. */
function readable(html: string): string {
  const attributes = [...html.matchAll(/\s(?:placeholder|title|aria-label|data-msg-[\w-]+|data-confirm)="([^"]*)"/g)].map((m) => m[1]);
  const scriptMessages = [...html.matchAll(/\sdata-i18n="([^"]*)"/g)].flatMap((m) => Object.values(JSON.parse(decode(m[1] ?? '{}')) as Record<string, unknown>))
    .flatMap((v) => (typeof v === 'string' ? [v] : typeof v === 'object' && v ? Object.values(v as Record<string, string>) : []));
  const text = html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' ');
  return decode([text, ...attributes, ...scriptMessages].join(' ')).replace(/\s+/g, ' ');
}

/** Every page in Simplified Chinese: no English text that has a translation. */
describe('every page in 简体中文', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let admin: TestUser;
  let pausedPage = '';
  let failedValidation = '';
  let rowMessagesValidation = '';
  let rowMessagesRun = '';
  const pages: string[] = ['/', '/dashboard', '/datasets', '/datasets/new', '/migrations', '/migrations/new', '/templates', '/connections',
    '/admin', '/admin/audit', '/no-such-page'];

  before(async () => {
    h = await startHarness({ env: { SECRET_KEY: Buffer.alloc(32, 4).toString('base64') } });
    app = createApp(h.services, { localOrgUrl: h.emulator.url });
    admin = await signIn(h.services, 'admin');
    const datasetId = await makeDataset(h.services, ['Account Name', 'City'], Array.from({ length: 6 }, (_, i) => [i === 2 ? '' : `Zh ${i}`, ' Town ']));
    const mapping = { object: 'Account', fields: [{ column: 'Account Name', field: 'Name' }, { column: 'City', field: 'BillingCity' }] };
    const done = await runMigration(h.services, { datasetId, object: 'Account', operation: 'insert', template: { mapping } });
    await saveTemplate(h.services.store, TemplateInput.parse({ name: 'Zh', object: 'Account', operation: 'insert', mapping }), 'test');
    await saveTemplate(h.services.store, TemplateInput.parse({ name: 'Zh', object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', mapping }), 'test');
    await request(app).post('/api/v1/connections').set(admin.headers).send({
      method: 'password', name: 'Prod', loginUrl: h.emulator.url, username: 'admin@local.org', password: 'password',
      clientId: 'dms-local', clientSecret: 'dms-local-secret', production: true,
    }).expect(201);
    const draft = await request(app).post('/api/v1/drafts').set(admin.headers).send({ datasetId }).expect(201);
    await request(app).patch(draft.body.urls.self).set(admin.headers).send({ object: 'Account', mapping, pipeline: [{ op: 'cast', columns: ['City'], to: 'date' }] }).expect(200);
    await request(app).post(`/migrations/drafts/${draft.body.id}/dry-run`).set(admin.headers).expect(303);
    const validationId = (await getDraft(h.services, draft.body.id)).validationId ?? '';
    for (let i = 0; i < 100 && (await getValidation(h.services.store, validationId)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
    // A half-filled step, so the transform page says what it waits for.
    await request(app).patch(draft.body.urls.self).set(admin.headers).send({ pipeline: [{ op: 'cast', columns: ['City'], to: 'date' }, { op: 'trim' }] }).expect(200);
    // What a user sees during a run: a run paused by a person (the reason DMS writes), and a dry run that failed
    // on an older code path's error (a lookup step naming a field the parent lacks).
    await setFaults(h.emulator, { latency: 1500 });
    const slow = await request(app).post('/api/v1/migrations').set(admin.headers)
      .send({ datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template: { mapping } }).expect(201);
    const paused = slow.body.migration.id as string;
    await request(app).post(`/api/v1/migrations/${paused}/start`).set(admin.headers).expect(200);
    await request(app).post(`/api/v1/migrations/${paused}/pause`).set(admin.headers).expect(200);
    await setFaults(h.emulator, { latency: 0 });
    const lookup = [{ op: 'lookup', column: 'City', object: 'Account', field: 'Nmae', into: 'ParentId' }];
    const failing = await request(app).post('/api/v1/validations').set(admin.headers)
      .send({ datasetId, object: 'Account', operation: 'insert', mapping, pipeline: lookup }).expect(202);
    for (let i = 0; i < 100 && (await getValidation(h.services.store, failing.body.id)).status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    // DMS's own row messages: a day-first date that does not exist, and a lookup with no parent, in a dry run and a run.
    const contacts = await makeDataset(h.services, ['Last Name', 'Birthdate', 'Company'], [
      ['Wang', '13/04/1990', ''], ['Li', '31/02/1990', ''], ['Zhang', '01/02/1990', 'Nobody Ltd'],
    ]);
    const contactMapping = {
      object: 'Contact',
      fields: [{ column: 'Last Name', field: 'LastName' }, { column: 'Birthdate', field: 'Birthdate' }, { column: 'AccountId', field: 'AccountId' }],
    };
    const contactPipeline = [
      { op: 'cast', columns: ['Birthdate'], to: 'date', order: 'DMY' },
      { op: 'lookup', column: 'Company', object: 'Account', field: 'Name', into: 'AccountId' },
    ];
    const checked = await request(app).post('/api/v1/validations').set(admin.headers)
      .send({ datasetId: contacts, object: 'Contact', operation: 'insert', mapping: contactMapping, pipeline: contactPipeline }).expect(202);
    for (let i = 0; i < 300 && (await getValidation(h.services.store, checked.body.id)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
    const contactRun = await runMigration(h.services, {
      datasetId: contacts, object: 'Contact', operation: 'insert', template: { mapping: contactMapping, pipeline: contactPipeline },
    });
    rowMessagesValidation = `/validations/${checked.body.id}`;
    rowMessagesRun = `/migrations/${contactRun._id}`;
    pausedPage = `/migrations/${paused}`;
    failedValidation = `/validations/${failing.body.id}`;
    pages.push(pausedPage, failedValidation);
    pages.push(`/datasets/${datasetId}`, `/migrations/${done._id}`, `/validations/${validationId}`, '/templates/Zh', '/templates/Zh/diff',
      ...['start', 'target', 'mapping', 'pipeline', 'validate', 'run'].map((step) => `/migrations/drafts/${draft.body.id}/${step}`));
    pages.push(rowMessagesValidation, rowMessagesRun);
  });
  after(async () => { await h.close(); });

  test('no page shows English text that has a Chinese translation', async () => {
    const pieces = englishPieces();
    const found: string[] = [];
    for (const path of pages) {
      const res = await request(app).get(path).set('Cookie', `${admin.cookie}; lang=zh-CN`).set('accept', 'text/html');
      assert.ok(res.status === 200 || path === '/no-such-page', `${path} answered ${res.status}`);
      const text = readable(res.text);
      for (const [english, key] of pieces) if (text.includes(english)) found.push(`${path}: "${english}" (${key})`);
    }
    const signedOut = readable((await request(app).get('/login').set('Cookie', 'lang=zh-CN')).text);
    for (const [english, key] of pieces) if (signedOut.includes(english)) found.push(`/login: "${english}" (${key})`);
    assert.deepEqual(found, []);
  });

  test('a pause reason, a failed dry run\'s error and what each status code means are said in Chinese', async () => {
    const get = (path: string) => request(app).get(path).set('Cookie', `${admin.cookie}; lang=zh-CN`).expect(200);
    const report = pages.find((p) => p.startsWith('/validations/') && p !== failedValidation) ?? '';
    assert.match((await get(report)).text, /<code>CAST_INVALID_DATE<\/code><\/td><td>[^<]+<\/td><td class="muted">转换步骤无法读取日期/);
    const run = pages.find((p) => /^\/migrations\/mig-/.test(p) && p !== pausedPage) ?? '';
    assert.match((await get(run)).text, /<code>REQUIRED_FIELD_MISSING<\/code> <small class="muted">必填字段为空。<\/small>/);
    assert.match((await get(pausedPage)).text, new RegExp(`data-field="pauseReason">由 ${admin.username} 暂停<`));
    assert.match((await get(failedValidation)).text, /查找步骤：Account 没有字段 Nmae。/);
    const english = await request(app).get(pausedPage).set('Cookie', admin.cookie).expect(200);
    assert.match(english.text, new RegExp(`data-field="pauseReason">Paused by ${admin.username}<`));
  });

  test('DMS\'s own row messages (a day-first date cast, a lookup without a match) are said in Chinese with the column and value', async () => {
    const get = (path: string, lang = 'zh-CN') => request(app).get(path).set('Cookie', `${admin.cookie}; lang=${lang}`).expect(200);
    const badDate = 'Birthdate：“31/02/1990”不是有效日期（应为 DMY 顺序或 ISO 格式）';
    const noParent = 'AccountId：没有 Name 为“Nobody Ltd”的 Account 记录（列 Company）';
    // The validation report: its examples, and the pipeline's issues under it.
    const report = (await get(rowMessagesValidation)).text;
    assert.match(report, /<div class="figure">3<\/div>[\s\S]*<div class="figure">1<\/div>[\s\S]*<div class="figure">2<\/div>/);
    const examples = /<table id="examples">[\s\S]*?<\/table>/.exec(report)?.[0] ?? '';
    assert.match(examples, new RegExp(`<td>2</td><td><code>CAST_INVALID_DATE</code></td><td>Birthdate</td><td class="quoted">${badDate}</td>`));
    assert.match(examples, new RegExp(`<td>3</td><td><code>LOOKUP_NOT_FOUND</code></td><td>AccountId</td><td class="quoted">${noParent}</td>`));
    assert.match(report, /<li>行 2, Birthdate: “31\/02\/1990”不是有效日期（应为 DMY 顺序或 ISO 格式）<\/li>/);
    // The run: its error list and the failed rows offered for fixing.
    const run = (await get(rowMessagesRun)).text;
    const errors = /<table id="error-groups">[\s\S]*?<\/table>/.exec(run)?.[0] ?? '';
    assert.match(errors, new RegExp(`<div>行 2: ${badDate}</div>`));
    assert.match(errors, new RegExp(`<div>行 3: ${noParent}</div>`));
    const fix = /<section id="fix">[\s\S]*?<\/section>/.exec(run)?.[0] ?? '';
    assert.match(fix, new RegExp(`<tr data-row="2"><td>2</td><td><code>CAST_INVALID_DATE</code><div class="muted quoted">${badDate}</div>`));
    assert.match(fix, new RegExp(`<tr data-row="3"><td>3</td><td><code>LOOKUP_NOT_FOUND</code><div class="muted quoted">${noParent}</div>`));
    // In English the same pages say what DMS stored, as before.
    const english = (await get(rowMessagesRun, 'en')).text;
    assert.match(english, /Birthdate: &#39;31\/02\/1990&#39; is not a valid date \(expected DMY or ISO\)/);
    assert.match(english, /AccountId: no Account has Name &#39;Nobody Ltd&#39; \(column Company\)/);
    // The error file keeps DMS's English text beside the code (files have no language of their own).
    const file = await request(app).get(`/api/v1${rowMessagesRun}/results/errors.csv`).set(admin.headers).expect(200);
    assert.match(file.text, /CAST_INVALID_DATE,"?Birthdate: '31\/02\/1990' is not a valid date \(expected DMY or ISO\)/);
  });

  test('the small things: a favicon, one chunk, only the options of the file\'s format', async () => {
    await request(app).get('/favicon.ico').expect(301).expect('location', '/public/favicon.svg');
    await request(app).get('/public/favicon.svg').expect(200).expect('content-type', /svg/);
    const dataset = pages.find((p) => p.startsWith('/datasets/ds-')) ?? '';
    const db = h.services.store.db<Record<string, unknown>>('datasets');
    await db.insert({ ...(await db.get(dataset.slice('/datasets/'.length))), format: 'csv' });
    const shown = await request(app).get(dataset).set('Cookie', admin.cookie).expect(200);
    assert.match(shown.text, /\(1 chunk\)/);
    assert.match(shown.text, /<label data-formats="xlsx" hidden>/, 'no sheet option for a CSV');
    assert.match(shown.text, /<label data-formats="csv">/);
    const upload = await request(app).get('/datasets/new').set('Cookie', admin.cookie).expect(200);
    assert.equal((upload.text.match(/<label data-formats="[^"]+" hidden>/g) ?? []).length, 6, 'options wait for the file');
  });
});
