import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BatchMemory } from '../../../src/migrations/batch-memory.js';

/** Whether the promise settled by the time the microtasks queued so far ran. */
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('BatchMemory', () => {
  test('batches that fit together are let in at once; the next waits until one gives its bytes back', async () => {
    const memory = new BatchMemory(32);
    const releases = await Promise.all([8, 8, 8, 8].map((bytes) => memory.hold(bytes)));
    assert.equal(memory.heldBytes, 32);
    const fifth = memory.hold(8);
    assert.equal(await settled(fifth), false, 'a fifth batch of 8 does not fit beside 32');
    releases[2]();
    assert.equal(await settled(fifth), true);
    assert.equal(memory.heldBytes, 32);
  });

  test('a batch larger than the bound runs, alone', async () => {
    const memory = new BatchMemory(10);
    const small = await memory.hold(4);
    const huge = memory.hold(50);
    assert.equal(await settled(huge), false, 'it waits for what is held');
    small();
    const releaseHuge = await huge;
    assert.equal(memory.heldBytes, 50);
    const next = memory.hold(1);
    assert.equal(await settled(next), false, 'nothing joins it');
    releaseHuge();
    (await next)();
    assert.equal(memory.heldBytes, 0);
  });

  test('in the order asked: a small batch does not pass a large one waiting before it', async () => {
    const memory = new BatchMemory(10);
    const first = await memory.hold(6);
    const large = memory.hold(8);
    const small = memory.hold(2);
    assert.equal(await settled(small), false, 'it would fit, but the large one asked first');
    first();
    assert.equal(await settled(large), true);
    assert.equal(await settled(small), true, '8 + 2 fit together');
    assert.equal(memory.heldBytes, 10);
  });

  test('giving back twice counts once', async () => {
    const memory = new BatchMemory(10);
    const a = await memory.hold(5);
    const b = await memory.hold(5);
    a();
    a();
    assert.equal(memory.heldBytes, 5);
    b();
    assert.equal(memory.heldBytes, 0);
  });
});
