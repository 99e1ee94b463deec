/// <reference lib="dom" />
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, signedIn, shot, type Stack } from './support.js';

describe('automation pages in a browser', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('the API reference renders every tag from this host under the page CSP', async () => {
    const page = await signedIn(stack, 'operator');
    const refused: string[] = [];
    page.on('console', (message) => message.type() === 'error' && refused.push(message.text()));
    page.on('request', (req) => assert.ok(req.url().startsWith(stack.url), `no request leaves the host: ${req.url()}`));
    await page.goto(`${stack.url}/api-docs`);
    await page.waitForSelector('.swagger-ui .opblock-tag', { timeout: 20_000 });
    const tags = await page.$$eval('.swagger-ui .opblock-tag', (nodes) => nodes.map((n) => n.getAttribute('data-tag')));
    for (const tag of ['datasets', 'migrations', 'tokens', 'schedules']) assert.ok(tags.includes(tag), `${tag} in ${tags}`);
    assert.deepEqual(refused.filter((text) => /Content Security Policy/.test(text)), []);
    await shot(page, 'api-docs');
  });

  test('a token made on its page is shown once; schedules list with their next run', async () => {
    const page = await signedIn(stack, 'admin');
    await page.goto(`${stack.url}/account/tokens`);
    await page.fill('input[name=name]', 'nightly CI');
    await page.selectOption('select[name=scope]', 'operate');
    await page.click('form.stacked button[type=submit]');
    const secret = await page.textContent('.token-secret');
    assert.match(secret ?? '', /^dms_[a-z0-9]{12}_[\w-]{43}$/);
    await shot(page, 'tokens-created');
    const me = await fetch(`${stack.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(((await me.json()) as { via: string }).via, 'token');
    await page.goto(`${stack.url}/account/tokens`);
    assert.equal(await page.$('.token-secret'), null, 'shown once');

    const csrf = await page.getAttribute('meta[name=csrf-token]', 'content');
    const created = await page.evaluate(async (token) => {
      const res = await fetch('/api/v1/schedules', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token ?? '' },
        body: JSON.stringify({
          name: 'Nightly accounts', cron: '0 2 * * *', timezone: 'Europe/Berlin',
          job: { kind: 'migration', datasetName: 'accounts', object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', templateName: 'Accounts' },
        }),
      });
      return res.status;
    }, csrf);
    assert.equal(created, 201);
    await page.goto(`${stack.url}/schedules`);
    assert.match(await page.textContent('[data-schedule] [data-next]') ?? '', /\d/);
    await shot(page, 'schedules');
  });
});
