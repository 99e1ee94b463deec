import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRetry } from '../../../src/store/index.js';

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
