/// <reference lib="dom" />
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startStack, signedIn, shot, type Stack } from './support.js';

describe('starting a transfer from the form in a browser', () => {
  let stack: Stack;
  let redis: Redis;
  const suffix = randomBytes(4).toString('hex');
  const source = `e2e-form-in-${suffix}`;
  const target = `e2e-form-out-${suffix}`;
  before(async () => {
    stack = await startStack();
    redis = new Redis(stack.services.config.redis?.url ?? 'redis://127.0.0.1:6379');
  });
  after(async () => {
    await redis.del(source, target);
    redis.disconnect();
    await stack.close();
  });

  test('a Redis Stream into a Redis Stream: a field error first, then the transfer runs through a pipeline step', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 40; i++) pipeline.xadd(source, '*', 'n', String(i), 'name', `  item ${i}  `);
    await pipeline.exec();

    const page = await signedIn(stack, 'operator');
    const refused: string[] = [];
    page.on('console', (message) => message.type() === 'error' && refused.push(message.text()));
    await page.goto(`${stack.url}/transfers`);
    await page.selectOption('select[name="source.kind"]', 'redis-stream');
    assert.equal(await page.isVisible('fieldset[data-end="source"][data-kind="rabbitmq-queue"]'), false, 'only the chosen kind\'s fields');
    await page.selectOption('select[name="target.kind"]', 'redis-stream');
    await page.fill('input[name="name"]', 'Orders from the form');
    // No source stream yet: the server says so next to that field and keeps what was typed.
    await Promise.all([page.waitForURL(/\/transfers$/), page.click('#transfer-form button[type=submit]')]);
    const error = page.locator('[data-field="source.redis-stream.stream"] .field-error');
    assert.equal(await error.textContent(), 'Required.');
    assert.equal(await page.inputValue('input[name="name"]'), 'Orders from the form');
    await shot(page, 'transfer-form-refused');

    await page.fill('input[name="source.redis-stream.stream"]', source);
    await page.fill('input[name="target.redis-stream.stream"]', target);
    await page.fill('input[name="batchSize"]', '15');
    await page.fill('input[name="bound"]', '1000');
    await page.fill('input[name="recordFields"]', 'n, name');
    await page.dispatchEvent('input[name="recordFields"]', 'change');
    await page.selectOption('#step-type', 'trim');
    await page.click('#add-step');
    await page.check('#pipeline-editor fieldset.step label.chip:has-text("name") input');
    await page.waitForFunction(() => /"trim".*"name"/.test((document.querySelector('input.pipeline-json') as HTMLInputElement).value));
    await shot(page, 'transfer-form-filled');
    await Promise.all([page.waitForURL(/\/transfers\/[0-9a-f-]{36}$/), page.click('#transfer-form button[type=submit]')]);

    // The page as rendered says where the transfer is: reload it until it has completed.
    const status = () => page.getAttribute('[data-field="status"]', 'data-value');
    for (const until = Date.now() + 60_000; (await status()) !== 'completed' && Date.now() < until; ) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    assert.equal(await status(), 'completed');
    assert.equal(await page.textContent('h1'), 'Orders from the form');
    const entries = (await redis.xrange(target, '-', '+')) as [string, string[]][];
    assert.equal(entries.length, 40);
    const names = entries.map(([, fields]) => fields[fields.indexOf('name') + 1]);
    assert.ok(names.includes('item 7'), `trimmed: ${names.slice(0, 3)}`);
    assert.equal(await redis.xlen(source), 0, 'the source stream was drained');
    assert.deepEqual(refused.filter((text) => /Content Security Policy/.test(text)), []);
    await shot(page, 'transfer-from-form');
  });
});
