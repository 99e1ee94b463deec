/// <reference lib="dom" />
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startStack, signedIn, shot, type Stack } from './support.js';
import { makeDataset } from '../integration/migrations/harness.js';
import { createMigration, startMigration } from '../../src/migrations/index.js';
import { createValidation } from '../../src/preflight/index.js';

/** The Local org's injected latency per API request (its fault settings). */
async function setLatencyOf(stack: Stack, latency: number): Promise<void> {
  const response = await fetch(`${stack.services.config.emulator.localOrgUrl}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency }) });
  assert.equal(response.status, 200, await response.text());
}

/** The page is no wider than the window: nothing quoted from a file (a long value without spaces) widened it. */
async function assertFitsWindow(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  assert.ok(widths.page <= widths.window, `${what} is ${widths.page} px wide in a ${widths.window} px window`);
}

const XSS_HEADER = '<img src=x onerror="window.__xss=1">';
const XSS_CELL = '<script>window.__xss=2</script>';

describe('operators in a browser', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('sign in, see the dashboard, switch to Chinese and back, sign out', async () => {
    const context = await stack.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${stack.url}/`);
    assert.match(page.url(), /\/login\?next=%2F$/);
    await shot(page, 'login');
    await page.fill('input[name=username]', 'operator');
    await page.fill('input[name=password]', 'wrong password!');
    await page.click('form.stacked button[type=submit]');
    assert.match(await page.textContent('[role=alert]') ?? '', /wrong/);
    const page2 = await signedIn(stack, 'operator');
    assert.match(await page2.textContent('.user-menu') ?? '', /operator/);
    await shot(page2, 'dashboard');
    await Promise.all([page2.waitForURL(/\/dashboard$/), page2.click('a[lang="zh-CN"]')]);
    assert.match(await page2.textContent('h1') ?? '', /仪表板/);
    await shot(page2, 'dashboard-zh-CN');
    await page2.click('a[lang="en"]');
    await page2.waitForSelector('h1:text("Dashboard")');
    await Promise.all([page2.waitForURL(/\/login$/), page2.click('.topbar-end button[type=submit]')]);
    await context.close();
    await page2.context().close();
  });

  test('upload a CSV with a progress bar; an XSS payload in a header and a cell shows as text', async () => {
    const page = await signedIn(stack, 'operator');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const dir = mkdtempSync(join(tmpdir(), 'dms-e2e-'));
    const file = join(dir, 'contacts.csv');
    // A note of 5,000 characters without a space: the column's max and examples show it cut, and it wraps.
    const rows = Array.from({ length: 200 }, (_, i) => `Person ${i},person${i}@example.com,${i === 3 ? `"${XSS_CELL}"` : 'ok'},${i === 5 ? 'y'.repeat(5000) : 'n'}`);
    writeFileSync(file, `LastName,Email,"${XSS_HEADER.replace(/"/g, '""')}",Note\n${rows.join('\n')}\n`);
    await page.goto(`${stack.url}/datasets/new`);
    await page.setInputFiles('#file-input', file);
    const progressShown = page.waitForFunction(() => document.getElementById('upload-progress')?.hidden === false, undefined, { polling: 10 });
    await page.click('#upload-button');
    await progressShown;
    await shot(page, 'upload-progress');
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 30_000 });
    await page.waitForFunction((cell) => document.body.innerText.includes(cell), XSS_CELL, { timeout: 30_000 });
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.includes(XSS_HEADER), 'the header is shown as text');
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('img[src=x]').count(), 0);
    assert.equal(dialogs, 0);
    // The status badge stands apart from the dataset's name ("Ready" once ran into it).
    await page.waitForSelector('h1 .status-ready', { timeout: 30_000 });
    const gap = await page.evaluate(() => {
      const heading = document.querySelector('h1') as HTMLElement;
      const range = document.createRange();
      range.setStart(heading.firstChild as Node, 0);
      range.setEnd(heading.firstChild as Node, (heading.firstChild?.textContent ?? '').trimEnd().length);
      return (heading.querySelector('.status') as HTMLElement).getBoundingClientRect().left - range.getBoundingClientRect().right;
    });
    assert.ok(gap >= 6, `the badge stands ${gap} px from the name`);
    assert.match(await page.textContent('#column-profile') ?? '', /yyyyyyyyyy/);
    await assertFitsWindow(page, 'the dataset page');
    await shot(page, 'dataset');
    await page.goto(`${stack.url}/datasets`);
    await shot(page, 'datasets');
    await page.context().close();
  });

  test('a viewer cannot upload or change anything', async () => {
    const page = await signedIn(stack, 'viewer');
    const status = await page.evaluate(async () => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
      const body = new FormData();
      body.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
      const res = await fetch('/api/v1/datasets', { method: 'POST', body, headers: { 'x-csrf-token': token, accept: 'application/json' } });
      return res.status;
    });
    assert.equal(status, 403);
    await page.goto(`${stack.url}/connections`);
    assert.equal(await page.locator('form[action="/connections"]').count(), 0);
    const admin = await page.goto(`${stack.url}/admin`);
    assert.equal(admin?.status(), 403);
    await page.context().close();
  });

  test('a form without its CSRF token is refused', async () => {
    const page = await signedIn(stack, 'admin');
    await page.goto(`${stack.url}/admin`);
    await shot(page, 'admin-users');
    await page.evaluate(() => document.querySelector('form[action="/admin/users"] input[name=_csrf]')?.remove());
    await page.fill('form[action="/admin/users"] input[name=username]', 'nocsrf');
    await page.fill('form[action="/admin/users"] input[name=password]', 'long enough password');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/users')), page.click('form[action="/admin/users"] button[type=submit]')]);
    assert.equal(response.status(), 403);
    assert.match(await page.textContent('.error-message') ?? '', /CSRF/);
    await page.goto(`${stack.url}/admin`);
    assert.equal(await page.locator('tr[data-user="nocsrf"]').count(), 0);
    for (const [path, name] of [['/admin/audit', 'audit'], ['/connections', 'connections'], ['/admin/queues/', 'queues']] as const) {
      await page.goto(`${stack.url}${path}`);
      await page.waitForLoadState('networkidle');
      await shot(page, name);
    }
    await page.goto(`${stack.url}/connections`);
    await page.click('tr[data-connection="local"] button:text("Test connection")');
    assert.match(await page.textContent('#connection-check') ?? '', /00D000000000001AAA/);
    await shot(page, 'connection-test');
    await page.context().close();
  });

  test('a refused value of 100,000 characters in an error message wraps: the run page stays as wide as the window', async () => {
    const page = await signedIn(stack, 'operator');
    const long = 'x'.repeat(100_000);
    const datasetId = await makeDataset(stack.services, ['name', 'description'], [['Short', 'fine'], ['Long', long]]);
    const template = { mapping: { object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'description', field: 'Description' }] } };
    const doc = await createMigration(stack.services, { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template }, 'operator');
    await startMigration(stack.services, doc._id, 'operator');
    await page.goto(`${stack.url}/migrations/${doc._id}`);
    await page.waitForFunction(() => /Completed/.test(document.querySelector('h1 [data-field="state"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.reload();
    assert.match(await page.textContent('#error-groups') ?? '', /STRING_TOO_LONG[\s\S]*data value too large: xxxx/);
    assert.match(await page.textContent('#fix') ?? '', /data value too large/);
    await assertFitsWindow(page, 'the page');
    await shot(page, 'long-error-message');
    // The dry run of the same rows says the same, on a page as wide as the window too.
    const validation = await createValidation(stack.services, { datasetId, object: 'Account', operation: 'insert', mapping: template.mapping }, 'operator');
    await page.goto(`${stack.url}/validations/${validation._id}`);
    await page.waitForSelector('#examples', { timeout: 60_000 });
    assert.match(await page.textContent('#examples') ?? '', /STRING_TOO_LONG[\s\S]*data value too large: xxxx/);
    await assertFitsWindow(page, "the dry run's report");
    await shot(page, 'long-error-message-validation');
    await page.context().close();
  });

  test('the rows/s chart draws while a run goes', async () => {
    const page = await signedIn(stack, 'operator');
    const rows = Array.from({ length: 4000 }, (_, i) => [`Chart ${i}`, 'Town']);
    const datasetId = await makeDataset(stack.services, ['name', 'city'], rows, 1000);
    const template = { mapping: { object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }] } };
    const options = { apiMode: 'collections', batchSize: 200, concurrency: 1 };
    // 20 batches at 250 ms each: the run lasts several of the page's half-second samples even on a fast machine.
    await setLatencyOf(stack, 250);
    const doc = await createMigration(stack.services, { datasetId, connectionId: 'local', object: 'Account', operation: 'insert', template, options }, 'operator');
    await page.goto(`${stack.url}/migrations/${doc._id}`);
    await startMigration(stack.services, doc._id, 'operator');
    await page.waitForFunction(() => {
      const charts = (window as unknown as { Chart?: { instances: Record<string, { data: { datasets: { data: number[] }[] } }> } }).Chart;
      return Object.values(charts?.instances ?? {}).some((c) => c.data.datasets[0]?.data.some((rate) => rate > 0));
    }, undefined, { timeout: 30_000 });
    // Drawn, not only computed: the canvas comes to hold pixels of the line's colour (#0b5cad), polled (up to 10 s)
    // rather than read once: a line needs a second sample, and the run is slowed so that it lasts several samples.
    const drawn = await page.waitForFunction(() => {
      const canvas = document.getElementById('rate-chart') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i] - 11) < 20 && Math.abs(pixels[i + 1] - 92) < 20 && Math.abs(pixels[i + 2] - 173) < 20 && pixels[i + 3] > 200) count++;
      return count > 10 ? count : false;
    }, undefined, { timeout: 10_000, polling: 250 }).then((handle) => handle.jsonValue() as Promise<number>).catch(() => 0);
    assert.ok(drawn > 10, 'the chart drew its line (more than 10 pixels of its colour) within 10 s');
    await shot(page, 'live-chart');
    await setLatencyOf(stack, 0);
    await page.context().close();
  });
});
