import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeRow, decodeSlots, encodeRow, maxEncodedSize } from '../../../src/salesforce-emulator/data/row-codec.js';
import type { Row } from '../../../src/salesforce-emulator/data/table.js';

/** Texts at the edges of the codec's two text forms: ASCII under and over 64 units and 64 KB, and multi-byte ones. */
const TEXTS = [
  '', 'a', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65_535), 'x'.repeat(65_536), 'ü', `${'a'.repeat(62)}é`, `${'a'.repeat(70)}é`,
  '東京 🚀', '\u0000\u007f', '\u0080', '\ud800 lone surrogate',
];

function roundTrip(row: Row): { back: Row; bytes: number } {
  const out = Buffer.alloc(maxEncodedSize(row) + 16, 0xee);
  const bytes = encodeRow(row, out, 8);
  assert.ok(bytes <= maxEncodedSize(row), `${bytes} bytes within the bound ${maxEncodedSize(row)}`);
  return { back: decodeRow(out, 8), bytes };
}

describe('row codec', () => {
  test('every kind of value comes back as written, each text in the form its characters need', () => {
    const row: Row = [...TEXTS, null, true, false, 0, -1.5, 1e21, Number.MAX_SAFE_INTEGER];
    const { back } = roundTrip(row);
    // A lone surrogate is not UTF-8: it comes back as U+FFFD, as Buffer writes it.
    assert.deepEqual(back, row.map((v) => (v === '\ud800 lone surrogate' ? '\ufffd lone surrogate' : v)));
  });

  test('ASCII takes 3 bytes of header and one a character, whatever its length under 64 KB; other text its UTF-8 and 5', () => {
    for (const text of TEXTS.slice(0, 5)) assert.equal(roundTrip([text]).bytes, 2 + 3 + text.length);
    assert.equal(roundTrip(['x'.repeat(65_536)]).bytes, 2 + 5 + 65_536);
    for (const text of ['ü', `${'a'.repeat(70)}é`, '東京 🚀']) assert.equal(roundTrip([text]).bytes, 2 + 5 + Buffer.byteLength(text));
  });

  test('a row read for some of its values decodes those alone, after texts of every form', () => {
    const row: Row = ['x'.repeat(64), '東京', null, 42, `${'a'.repeat(70)}é`, 'last'];
    const out = Buffer.alloc(maxEncodedSize(row));
    encodeRow(row, out, 0);
    const probe: Row = new Array(row.length).fill('unset');
    decodeSlots(out, 0, [1, 3, 5], probe);
    assert.deepEqual([probe[1], probe[3], probe[5]], ['東京', 42, 'last']);
  });
});
