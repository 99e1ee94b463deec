import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { median, pairedLine, pairedSummary, signTestP } from '../../../bench/e2e/paired.js';

describe('paired A/B summary of alternating bench runs', () => {
  test('sign test: the chance of a split at least this uneven when neither build is faster', () => {
    assert.equal(signTestP(6, 6), 2 / 64);
    assert.equal(signTestP(0, 6), 2 / 64);
    assert.equal(signTestP(5, 6), (2 * 7) / 64);
    assert.equal(signTestP(3, 6), 1);
    assert.equal(signTestP(2, 3), 1);
  });

  test('pairs that agree are shown; medians apart with pairs that disagree are not', () => {
    const agree = pairedSummary([16, 15, 14, 18, 17, 16], [14, 14, 13, 16, 16, 15]);
    assert.deepEqual([agree.pairs, agree.otherLower, agree.medianDifference, agree.least, agree.most], [6, 6, -1, -2, -1]);
    assert.match(pairedLine('upload to completed', agree, 's'), /lower in 6 of 6 pairs \(sign test p = 0\.031\): lower, shown$/);
    // The first three pairs of the GC flags' A/B (docs/scaling.md): a median 2.4 s lower, from pairs that disagree.
    const mixed = pairedSummary([16.66, 15.36, 13.9], [12.78, 12.92, 18.71]);
    assert.ok(mixed.medianOther < mixed.medianBase);
    assert.match(pairedLine('upload to completed', mixed, 's'), /no difference shown$/);
  });

  test('median of an even count is the upper middle value, as the tables report it', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 3);
  });
});
