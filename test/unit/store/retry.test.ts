import { test } from 'node:test';
import assert from 'node:assert/strict';
import nano from 'nano';
import { freePort } from '../../../src/embedded/index.js';
import { isTransient, withRetry, withRetryWithin } from '../../../src/store/index.js';

const httpError = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });

test('429 and 5xx are retried until they pass', async () => {
  const answers = [httpError(429), httpError(503), 'done'];
  let calls = 0;
  const result = await withRetry(async () => {
    const next = answers[calls++];
    if (next instanceof Error) throw next;
    return next;
  });
  assert.equal(result, 'done');
  assert.equal(calls, 3);
});

test('client errors such as 404 and 409 are not retried', async () => {
  for (const status of [400, 404, 409, 412]) {
    let calls = 0;
    await assert.rejects(withRetry(async () => {
      calls++;
      throw httpError(status);
    }), { statusCode: status });
    assert.equal(calls, 1);
  }
});

test('gives up after the given number of attempts', async () => {
  let calls = 0;
  await assert.rejects(withRetry(async () => {
    calls++;
    throw httpError(429);
  }, 2), { statusCode: 429 });
  assert.equal(calls, 2);
});

test('a connection nano could not make (the store restarting) is retried like a 503', async () => {
  const closed = nano({ url: `http://127.0.0.1:${await freePort()}` });
  let calls = 0;
  await assert.rejects(withRetry(() => {
    calls++;
    return closed.db.list();
  }, 3), /error happened in your connection/);
  assert.equal(calls, 3);
  assert.ok(isTransient(Object.assign(new Error('fetch failed'), { code: 'ECONNRESET' })));
  assert.ok(!isTransient(httpError(413)) && !isTransient(new Error('a bug')));
});

test('withRetryWithin retries transient failures until its time is up, then throws the last one', async () => {
  let calls = 0;
  const started = Date.now();
  await assert.rejects(withRetryWithin(1200, async () => {
    calls++;
    throw httpError(503);
  }), { statusCode: 503 });
  assert.ok(calls >= 3 && Date.now() - started < 1500, `${calls} calls in ${Date.now() - started} ms`);
  let flaky = 0;
  assert.equal(await withRetryWithin(5000, async () => (++flaky < 3 ? Promise.reject(httpError(429)) : 'stored')), 'stored');
  await assert.rejects(withRetryWithin(5000, async () => Promise.reject(httpError(409))), { statusCode: 409 });
});
