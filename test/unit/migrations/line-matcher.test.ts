import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LineMatcher } from '../../../src/migrations/line-matcher.js';

describe('LineMatcher', () => {
  test('results in upload order, with gaps filled by a second file', () => {
    const m = new LineMatcher(['a', 'b', 'c', 'd']);
    assert.deepEqual(['a', 'c', 'd'].map((k) => m.take(k)), [0, 2, 3]);
    m.restart();
    assert.equal(m.take('b'), 1);
    assert.deepEqual([...m.taken], [1, 1, 1, 1]);
  });
  test('results in any order; unknown and exhausted keys give undefined', () => {
    const m = new LineMatcher(['a', 'b', 'c']);
    assert.deepEqual(['c', 'a', 'x', 'b', 'b'].map((k) => m.take(k)), [2, 0, undefined, 1, undefined]);
  });
  test('identical lines are each taken once, whatever the order', () => {
    const lines = ['x', 'y', 'x', 'x', 'z', 'y'];
    const m = new LineMatcher(lines);
    const got = ['z', 'x', 'y', 'x', 'y', 'x', 'x'].map((k) => m.take(k));
    assert.equal(got.at(-1), undefined);
    const indexes = got.slice(0, -1) as number[];
    assert.deepEqual([...indexes].sort(), [0, 1, 2, 3, 4, 5]);
    indexes.forEach((i, n) => assert.equal(lines[i], ['z', 'x', 'y', 'x', 'y', 'x'][n]));
  });
});
