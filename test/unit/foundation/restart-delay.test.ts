import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartDelayMs } from '../../../src/embedded/index.js';

test('a crashed child is restarted after a growing pause, and still after its 21st crash in a row (it used to be left dead)', () => {
  assert.deepEqual([1, 2, 3, 10].map(restartDelayMs), [500, 1000, 1500, 5000]);
  for (const crashes of [20, 21, 22, 100, 10_000]) {
    const delay = restartDelayMs(crashes);
    assert.ok(Number.isFinite(delay) && delay > 0 && delay <= 5000, `crash ${crashes}: ${delay} ms`);
  }
});
