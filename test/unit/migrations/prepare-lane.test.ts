import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrepareLane } from '../../../src/migrations/prepare-lane.js';

describe('prepare lane', () => {
  test('batches that ask together prepare one at a time, in the order they asked: the first is ready first', async () => {
    const lane = new PrepareLane();
    const seen: string[] = [];
    let running = 0;
    const prepare = (batch: number) => lane.run(async () => {
      running++;
      assert.equal(running, 1, `batch ${batch} prepared while another did`);
      // Chunks read one by one: each await would let another batch in without the lane.
      for (let chunk = 0; chunk < 3; chunk++) {
        seen.push(`${batch}.${chunk}`);
        await sleep(1);
      }
      running--;
      return batch * 10;
    });
    const ready: number[] = [];
    const results = await Promise.all([0, 1, 2, 3].map((b) => prepare(b).then((r) => { ready.push(b); return r; })));
    assert.deepEqual(results, [0, 10, 20, 30]);
    assert.deepEqual(ready, [0, 1, 2, 3]);
    assert.deepEqual(seen, ['0.0', '0.1', '0.2', '1.0', '1.1', '1.2', '2.0', '2.1', '2.2', '3.0', '3.1', '3.2']);
  });

  test('a batch whose preparing fails gets its error, and the next still prepares', async () => {
    const lane = new PrepareLane();
    const failed = lane.run(async () => {
      await sleep(1);
      throw new Error('chunk 3 of the dataset is missing');
    });
    const next = lane.run(async () => 'prepared');
    await assert.rejects(failed, /chunk 3 of the dataset is missing/);
    assert.equal(await next, 'prepared');
  });

  test('a prepare that hangs holds up the next one no longer than the lane\'s wait', async () => {
    const lane = new PrepareLane(30);
    void lane.run(() => new Promise<never>(() => undefined));
    const started = performance.now();
    assert.equal(await lane.run(async () => 'prepared'), 'prepared');
    const waited = performance.now() - started;
    assert.ok(waited >= 25 && waited < 2000, `waited ${waited} ms`);
  });
});
