import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CUT_MARK, cutMiddle, cutText } from '../../../src/cut-text.js';

describe('cut text', () => {
  test('a short text is kept as it is', () => {
    assert.equal(cutMiddle('Name: data value too large: abc (max length=2)', 100, 20), 'Name: data value too large: abc (max length=2)');
    assert.equal(cutText('abc', 3), 'abc');
  });

  test('a long text keeps its start and its end, the mark between', () => {
    const text = `Description: data value too large: ${'顧'.repeat(31_000)} (max length=32000)`;
    const cut = cutMiddle(text, 1000, 200);
    assert.equal(cut.length, 1001);
    assert.equal(cut.slice(0, 800), `Description: data value too large: ${'顧'.repeat(765)}`);
    assert.ok(cut.endsWith(`${'顧'.repeat(181)} (max length=32000)`));
    assert.equal(cut.split(CUT_MARK).length, 2);
  });

  test('an emoji on either edge of the cut is kept whole or left out, never halved', () => {
    const text = '😀'.repeat(1000);
    for (const [max, tail] of [[1000, 200], [1001, 201], [1000, 201], [1001, 200]]) {
      const cut = cutMiddle(text, max, tail);
      const [head, end] = cut.split(CUT_MARK);
      assert.ok(/^(😀)+$/u.test(head) && /^(😀)+$/u.test(end), `${max}/${tail}: ${head.length}/${end.length}`);
      assert.ok(cut.length <= max + 1);
    }
  });
});
