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
const INVALID = [7, 23];

/** The Local org as an outside observer sees it: jsforce over the emulator's OAuth password flow. */
async function orgAccounts(stack: Stack): Promise<{ Name: string; BillingCity: string }[]> {
  const conn = new jsforce.Connection({ oauth2: { loginUrl: stack.services.config.emulator.localOrgUrl, clientId: 'dms-local', clientSecret: 'dms-local-secret' }, version: '62.0' });
  await conn.login('admin@local.org', 'password');
  return (await conn.query<{ Name: string; BillingCity: string }>('SELECT Id, Name, BillingCity FROM Account')).records;
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

describe('a new operator walks the whole path in a browser', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('upload -> map -> pipeline -> validate -> run -> watch -> error file -> fix and retry -> roll back', async () => {
    const page = await signedIn(stack, 'operator');
    const dir = mkdtempSync(join(tmpdir(), 'dms-e2e-flow-'));
    const file = join(dir, 'accounts.csv');
    const lines = Array.from({ length: ROWS }, (_, i) => `${INVALID.includes(i + 1) ? '' : `Flow Account ${i + 1}`},city ${i % 4},+1 555 01${String(i).padStart(2, '0')}`);
    writeFileSync(file, `Name,BillingCity,Phone\n${lines.join('\n')}\n`);

    // Upload with the progress bar, then follow the dataset page's own link to the mapping page.
    await page.click('nav a[href="/datasets"]');
    await page.goto(`${stack.url}/datasets/new`);
    await page.setInputFiles('#file-input', file);
    const progressShown = page.waitForFunction(() => document.getElementById('upload-progress')?.hidden === false, undefined, { polling: 10 });
    await page.click('#upload-button');
    await progressShown;
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 30_000 });
    await page.waitForSelector('#next-step a', { timeout: 30_000 });
    await Promise.all([page.waitForURL(/\/map$/), page.click('#next-step a')]);

    // Map to Account: the suggestions pre-select Name, BillingCity and Phone.
    await page.fill('#target-form input[name=object]', 'Account');
    await Promise.all([page.waitForURL(/object=Account/), page.click('#target-form button[type=submit]')]);
    assert.equal(await page.inputValue('tr[data-column="Name"] .field-select'), 'Name');
    assert.equal(await page.inputValue('tr[data-column="BillingCity"] .field-select'), 'BillingCity');
    assert.equal(await page.getAttribute('tr[data-column="Name"] [data-score]', 'data-suggested'), 'Name');

    // One pipeline step: upper-case the city.
    await page.selectOption('#step-type', 'case');
    await page.click('#add-step');
    const step = page.locator('#pipeline-editor fieldset.step').last();
    await step.locator('input[name=columns]').fill('BillingCity');
    await step.locator('input[name=columns]').dispatchEvent('change');
    await step.locator('select[name=mode]').selectOption('upper');
    assert.match(await page.inputValue('#validate-form .pipeline-json'), /"op":"case".*BillingCity/);
    // A cast step offers the "bad value" choice: 'fail' (the default) stays out of the JSON, 'null' is written.
    await page.selectOption('#step-type', 'cast');
    await page.click('#add-step');
    const cast = page.locator('#pipeline-editor fieldset.step').last();
    await cast.locator('input[name=columns]').fill('BillingCity');
    await cast.locator('input[name=columns]').dispatchEvent('change');
    assert.match(await cast.locator('label:has(select[name=onInvalid])').textContent() ?? '', /^Bad value .*cannot convert/);
    assert.doesNotMatch(await page.inputValue('#validate-form .pipeline-json'), /onInvalid/);
    await cast.locator('select[name=onInvalid]').selectOption('null');
    assert.match(await page.inputValue('#validate-form .pipeline-json'), /"op":"cast","to":"string","columns":\["BillingCity"\],"onInvalid":"null"/);
    await shot(page, 'flow-mapping');

    // Validate (dry run): the report counts the invalid rows; then run from it.
    await Promise.all([page.waitForURL(/\/validations\//), page.click('#validate-form button[type=submit]')]);
    await page.waitForSelector('#next-step a', { timeout: 30_000 });
    assert.match(await page.textContent('#totals') ?? '', /2/);
    await shot(page, 'flow-validation');
    await Promise.all([page.waitForURL(/\/migrations\/new\?validationId=/), page.click('#next-step a')]);
    assert.equal(await page.inputValue('#new-migration input[name=object]'), 'Account');
    assert.match(await page.inputValue('#new-migration textarea[name=pipeline]'), /"case"/);
    await Promise.all([page.waitForURL(/\/migrations\/mig-[^/?]+$/), page.click('#new-migration button[type=submit]')]);
    const parentUrl = page.url();

    // Start, and watch the live page to the end.
    await Promise.all([page.waitForURL(parentUrl), page.click('form[data-action=start] button')]);
    await watchToEnd(page, /Completed/);
    assert.equal(await page.textContent('[data-total="succeeded"]'), String(ROWS - INVALID.length));
    assert.equal(await page.textContent('[data-total="failed"]'), String(INVALID.length));
    assert.match(await page.textContent('#error-groups') ?? '', /REQUIRED_FIELD_MISSING/);
    assert.match(await page.textContent('#batches') ?? '', /Completed/);
    assert.equal(await page.locator('form[data-action=rollback]:not([hidden])').count(), 1);
    await shot(page, 'flow-live-completed');
    const cities = new Set((await orgAccounts(stack)).map((a) => a.BillingCity));
    assert.deepEqual([...cities].sort(), ['CITY 0', 'CITY 1', 'CITY 2', 'CITY 3']);

    // The error file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-errors')]);
    const errors = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    assert.equal(errors.length, 1 + INVALID.length);
    assert.match(errors[0] ?? '', /^Name,BillingCity,Phone,StatusCode,Message,Fields$/);
    assert.match(errors[1] ?? '', /REQUIRED_FIELD_MISSING/);

    // Fix the failed rows on the page and retry them: a linked run, started at once.
    for (const row of INVALID) await page.fill(`input[name="cell:${row}:Name"]`, `Fixed Account ${row}`);
    await shot(page, 'flow-fix');
    await Promise.all([page.waitForURL((url) => url.href !== parentUrl && /\/migrations\/mig-/.test(url.href)), page.click('#fix-form button[type=submit]')]);
    const childUrl = page.url();
    await watchToEnd(page, /Completed/);
    assert.equal(await page.textContent('[data-total="succeeded"]'), String(INVALID.length));
    assert.equal(await page.textContent('[data-total="failed"]'), '0');
    assert.equal((await orgAccounts(stack)).length, ROWS);

    // Roll back the retry, then the first run: the org is empty again.
    for (const url of [childUrl, parentUrl]) {
      await page.goto(url);
      await Promise.all([page.waitForURL(url), page.click('form[data-action=rollback] button')]);
      await watchToEnd(page, /Rolled back/);
    }
    await shot(page, 'flow-rolled-back');
    assert.equal((await orgAccounts(stack)).length, 0);
    await page.goto(`${stack.url}/migrations?state=rolled_back`);
    assert.equal(await page.locator('#migrations tbody tr[data-migration]').count(), 2);
    await shot(page, 'flow-migrations-list');
    await page.context().close();

    // A viewer reading in Chinese: translated, downloads only.
    const viewer = await signedIn(stack, 'viewer', 'zh-CN');
    await viewer.goto(`${stack.url}/lang/zh-CN?next=${encodeURIComponent(new URL(parentUrl).pathname)}`);
    await viewer.waitForSelector('h1 [data-field="state"]:text("已回滚")');
    assert.equal(await viewer.locator('#controls form').count(), 0);
    assert.equal(await viewer.locator('#download-errors').count(), 1);
    await shot(viewer, 'flow-live-zh-CN');
    await viewer.context().close();
  });
});
