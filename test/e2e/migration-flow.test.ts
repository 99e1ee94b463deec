/// <reference lib="dom" />
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import type { Page } from 'playwright-core';
import { startStack, signedIn, shot, type Stack } from './support.js';

const ROWS = 40;
const NO_NAME = [7, 23];
const LEVELS = ['primary', 'Secondary', 'tertiary'];

/** A day-first file a Data Loader user might bring: padded names, 13/04/1990 dates, Y/N, picklist values in the wrong case. */
function contactsCsv(dir: string): string {
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const row = i + 1;
    const name = NO_NAME.includes(row) ? '' : row % 2 ? `Walker ${row}` : `  Walker ${row} `;
    const date = `${10 + (i % 18)}/${String(1 + (i % 12)).padStart(2, '0')}/1990`;
    return `"${name}",walker${row}@example.com,${date},${LEVELS[i % 3]},${i % 2 ? 'Y' : 'N'}`;
  });
  const file = join(dir, 'contacts.csv');
  writeFileSync(file, `Last Name,Email,Birthdate,Level,Do Not Call\n${lines.join('\n')}\n`);
  return file;
}

/** The Local org as an outside observer sees it: jsforce over the emulator's OAuth password flow. */
async function orgContacts(stack: Stack): Promise<{ LastName: string; Birthdate: string; Level__c: string; DoNotCall: boolean }[]> {
  const conn = new jsforce.Connection({ oauth2: { loginUrl: stack.services.config.emulator.localOrgUrl, clientId: 'dms-local', clientSecret: 'dms-local-secret' }, version: '62.0' });
  await conn.login('admin@local.org', 'password');
  const soql = "SELECT Id, LastName, Birthdate, Level__c, DoNotCall FROM Contact WHERE Email LIKE 'walker%'";
  return (await conn.query<{ LastName: string; Birthdate: string; Level__c: string; DoNotCall: boolean }>(soql)).records;
}

/**
 * Waits on the live page until the run has finished: the page reloads itself once at the end, and only a page
 * rendered finished by the server has #average-rate (a running one has the chart instead).
 */
async function watchToEnd(page: Page, state: RegExp): Promise<void> {
  await page.waitForFunction((pattern) => document.getElementById('average-rate') !== null
    && new RegExp(pattern).test(document.querySelector('h1 [data-field="state"]')?.textContent ?? ''), state.source, { timeout: 60_000 });
  await page.waitForLoadState('load');
}

/** Resolves when the editors' autosave has reached the server. */
const saved = (page: Page) => page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/v1\/drafts\//.test(r.url()) && r.ok());

const next = (page: Page, url: RegExp) => Promise.all([page.waitForURL(url), page.click('#flow-next')]);

/** The preview's summary once it has answered for the latest edit. */
async function previewSays(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('preview-status')?.textContent ?? ''), pattern.source, { timeout: 15_000 });
  return (await page.textContent('#preview-status')) ?? '';
}

describe('a first-time user migrates a real file in a browser', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('upload -> guided flow with suggestions -> validate -> run -> files -> fix and retry -> confirmed roll back -> 简体中文', async () => {
    const page = await signedIn(stack, 'operator');
    const dir = mkdtempSync(join(tmpdir(), 'dms-e2e-flow-'));

    // Upload: only the CSV options are offered for a CSV.
    await page.goto(`${stack.url}/datasets/new`);
    assert.equal(await page.locator('#parse-options label[data-formats]:visible').count(), 0);
    await page.setInputFiles('#file-input', contactsCsv(dir));
    assert.equal(await page.locator('#parse-options label[data-formats="xlsx"]').isVisible(), false);
    assert.equal(await page.locator('#parse-options label[data-formats="csv"]').first().isVisible(), true);
    await shot(page, 'flow-1-upload');
    await page.click('#upload-button');
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 30_000 });
    await page.waitForSelector('#next-step a', { timeout: 30_000 });
    await Promise.all([page.waitForURL(/\/migrations\/new\?datasetId=/), page.click('#next-step a')]);

    // Dataset, then org and object: no JSON anywhere.
    assert.equal(await page.locator('textarea').count(), 0);
    await shot(page, 'flow-2-dataset');
    await next(page, /\/target$/);
    await page.selectOption('#target-object', 'Contact');
    await page.check('input[name=operation][value=insert]');
    await shot(page, 'flow-3-target');
    await next(page, /\/mapping$/);

    // Mapping: the suggestions with their scores, every column matched.
    for (const [column, field] of [['Last Name', 'LastName'], ['Email', 'Email'], ['Birthdate', 'Birthdate'], ['Level', 'Level__c'], ['Do Not Call', 'DoNotCall']]) {
      assert.equal(await page.inputValue(`tr[data-column="${column}"] .field-select`), field, column);
    }
    assert.match(await page.textContent('tr[data-column="Last Name"] .score') ?? '', /95 %\s+same label/);
    await previewSays(page, /40 rows shown, 40 with problems/);
    await shot(page, 'flow-4-mapping');
    await next(page, /\/pipeline$/);

    // Transform: four suggestions from the file, each added in one click; the preview turns clean but for the two nameless rows.
    const suggestions = page.locator('#step-suggestions li');
    assert.deepEqual(await suggestions.evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.kind)), ['trim', 'dayFirstDates', 'picklist', 'boolean']);
    assert.match(await suggestions.nth(1).textContent() ?? '', /Birthdate holds dates with the day first \(e\.g\. \d\d\/\d\d\/1990\)/);
    await previewSays(page, /40 rows shown, 40 with problems/);
    await shot(page, 'flow-5-transform-suggested');
    for (let i = 0; i < 4; i++) await page.locator('#step-suggestions li:not([hidden]) .add-suggestion').first().click();
    assert.equal(await page.locator('#step-suggestions').isVisible(), false);
    assert.equal(await page.locator('#pipeline-editor fieldset.step').count(), 4);
    assert.equal(await page.inputValue('fieldset.step[data-index="1"] label[data-option="order"] select'), 'DMY');
    assert.equal(await page.inputValue('fieldset.step[data-index="2"] .rows .row:first-child select'), 'Primary', 'the picklist value offered');
    // A half-filled step waits quietly, saying what it needs; the preview does not complain.
    await page.selectOption('#step-type', 'case');
    await Promise.all([saved(page), page.click('#add-step')]);
    assert.match(await page.textContent('fieldset.step[data-index="4"] .step-status') ?? '', /Not complete yet, so not applied: fill in Columns/);
    await previewSays(page, /40 rows shown, 2 with problems/);
    // The preview's edit saves the draft again (debounced): wait for that save to end before reading the status.
    await page.locator('#autosave-status', { hasText: 'Saved: a reload' }).waitFor({ timeout: 15_000 }).catch(() => undefined);
    assert.match(await page.textContent('#autosave-status') ?? '', /Saved: a reload or another tab keeps these changes/);
    await shot(page, 'flow-5-transform');
    // The draft is on the server: a reload (or another tab) shows the same steps.
    await page.reload();
    assert.equal(await page.locator('#pipeline-editor fieldset.step').count(), 5);
    await Promise.all([saved(page), page.click('fieldset.step[data-index="4"] .step-tools button:text("Remove")')]);
    await next(page, /\/validate$/);

    // Validate: a dry run of every row.
    await Promise.all([page.waitForURL(/\/validate$/), page.click('#dry-run-form button')]);
    await page.waitForSelector('#totals', { timeout: 30_000 });
    assert.match(await page.textContent('#totals') ?? '', /40\s*Rows[\s\S]*38\s*Valid[\s\S]*2\s*Invalid/i);
    await shot(page, 'flow-6-validate');
    await next(page, /\/run$/);
    assert.match(await page.textContent('#run-validation') ?? '', /38 rows valid, 2 invalid/);
    await shot(page, 'flow-7-run');
    await Promise.all([page.waitForURL(/\/migrations\/mig-[^/?]+$/), page.click('#flow-next')]);
    const parentUrl = page.url();
    await watchToEnd(page, /Completed/);
    assert.equal(await page.textContent('[data-total="succeeded"]'), String(ROWS - NO_NAME.length));
    assert.equal(await page.textContent('[data-total="failed"]'), String(NO_NAME.length));
    await shot(page, 'flow-8-live-completed');
    const contacts = await orgContacts(stack);
    const walker2 = contacts.find((c) => c.LastName === 'Walker 2');
    assert.deepEqual([walker2?.Birthdate, walker2?.Level__c, walker2?.DoNotCall], ['1990-02-11', 'Secondary', true]);

    // The files: the source row in both, Data Loader's layout as an option.
    const [errorsDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-errors')]);
    const errors = readFileSync(await errorsDownload.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(errors[0], 'Last Name,Email,Birthdate,Level,Do Not Call,StatusCode,Message,Fields,Source Row');
    assert.deepEqual(errors.slice(1).map((l) => l.split(',').at(-1)), NO_NAME.map(String));
    const [loaderDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-success-dataloader')]);
    assert.match(readFileSync(await loaderDownload.path(), 'utf8'), /^ID,Last Name,Email,Birthdate,Level,Do Not Call,STATUS\n003\w{15},Walker 1,/);

    // Fix the nameless rows on the page and retry them as a linked run.
    for (const row of NO_NAME) await page.fill(`input[name="cell:${row}:Last Name"]`, `Fixed ${row}`);
    await Promise.all([page.waitForURL((url) => url.href !== parentUrl && /\/migrations\/mig-/.test(url.href)), page.click('#fix-form button[type=submit]')]);
    const childUrl = page.url();
    await watchToEnd(page, /Completed/);
    assert.equal((await orgContacts(stack)).length, ROWS);

    // Roll back asks first, with the numbers; nothing happens on Cancel.
    for (const [url, created] of [[childUrl, NO_NAME.length], [parentUrl, ROWS - NO_NAME.length]] as const) {
      await page.goto(url);
      await page.click('form[data-action=rollback] button');
      await page.waitForSelector('#confirm-dialog[open]');
      assert.match(await page.textContent('#confirm-message') ?? '', new RegExp(`delete ${created} records created by this run in Contact and restore 0`));
      if (url === parentUrl) {
        await shot(page, 'flow-9-rollback-dialog');
        await page.click('#confirm-no');
        assert.equal(await page.locator('#confirm-dialog[open]').count(), 0);
        assert.equal((await orgContacts(stack)).length, ROWS - NO_NAME.length, 'a cancelled dialog changes nothing');
        await page.click('form[data-action=rollback] button');
        await page.waitForSelector('#confirm-dialog[open]');
      }
      await Promise.all([page.waitForURL(url), page.click('#confirm-yes')]);
      await watchToEnd(page, /Rolled back/);
    }
    await shot(page, 'flow-10-rolled-back');
    assert.equal((await orgContacts(stack)).length, 0);
    await page.context().close();

    // In Chinese: a viewer sees the run, translated, with downloads only; the flow's pages speak Chinese too.
    const viewer = await signedIn(stack, 'viewer', 'zh-CN');
    await viewer.goto(`${stack.url}/lang/zh-CN?next=${encodeURIComponent(new URL(parentUrl).pathname)}`);
    await viewer.waitForSelector('h1 [data-field="state"]:text("已回滚")');
    assert.equal(await viewer.locator('#controls form').count(), 0);
    assert.equal(await viewer.locator('#download-errors').count(), 1);
    await shot(viewer, 'flow-zh-CN-live');
    await viewer.goto(`${stack.url}/dashboard`);
    assert.match(await viewer.textContent('#today') ?? '', /今日写入行数/);
    await shot(viewer, 'flow-zh-CN-dashboard');
    await viewer.context().close();
    const operator = await signedIn(stack, 'operator', 'zh-CN');
    await operator.goto(`${stack.url}/lang/zh-CN?next=%2Fmigrations%2Fnew`);
    await operator.selectOption('select[name=datasetId]', { label: `contacts.csv · ${ROWS} 行` });
    await next(operator, /\/target$/);
    await operator.selectOption('#target-object', 'Contact');
    await next(operator, /\/mapping$/);
    await next(operator, /\/pipeline$/);
    assert.match(await operator.textContent('#step-suggestions') ?? '', /Birthdate 中的日期是日在前/);
    await operator.selectOption('#step-type', 'cast');
    await operator.click('#add-step');
    assert.match(await operator.textContent('fieldset.step') ?? '', /转换为[\s\S]*尚未填写完整，暂不生效：请填写 列/);
    await operator.waitForSelector('#preview-table table');
    await shot(operator, 'flow-zh-CN-transform');
    // DMS's own row messages in Chinese, with the value: a day-first date cast as ISO, and a lookup without a match.
    const cast = 'fieldset.step[data-op="cast"]';
    await operator.check(`${cast} label[data-option="columns"] input[value="Birthdate"]`);
    await operator.selectOption(`${cast} label[data-option="to"] select`, 'date');
    const castSays = 'CAST_INVALID_DATE: “10/01/1990”不是有效日期（应为 ISO 格式 YYYY-MM-DD）';
    await operator.waitForFunction((text) => Array.from(document.querySelectorAll('#preview-table td[title]'))
      .some((td) => td.getAttribute('title')?.includes(text)), castSays, { timeout: 15_000 });
    await operator.selectOption('#step-type', 'lookup');
    await operator.click('#add-step');
    const lookup = 'fieldset.step[data-op="lookup"]';
    await operator.selectOption(`${lookup} label[data-option="column"] select`, 'Last Name');
    await operator.selectOption(`${lookup} label[data-option="object"] select`, 'Account');
    await operator.selectOption(`${lookup} label[data-option="field"] select`, 'Name');
    const lookupSays = 'LOOKUP_NOT_FOUND: 没有 Name 为“Walker 1”的 Account 记录（列 Last Name）';
    await operator.waitForFunction((text) => Array.from(document.querySelectorAll('#preview-table td[title]'))
      .some((td) => td.getAttribute('title')?.includes(text)), lookupSays, { timeout: 15_000 });
    await shot(operator, 'flow-zh-CN-row-messages');
    await operator.context().close();
  });
});
