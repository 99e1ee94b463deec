import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvReader } from '../../../src/salesforce-emulator/bulk/csv-reader.js';

function readAll(text: string, delimiter = ','): { rows: string[][]; lines: string[] } {
  const reader = new CsvReader(text, delimiter.charCodeAt(0));
  const rows: string[][] = [];
  const lines: string[] = [];
  const out: string[] = [];
  while (reader.next(out)) {
    rows.push(out.slice());
    lines.push(text.slice(reader.rowStart, reader.rowEnd));
  }
  return { rows, lines };
}

describe('CsvReader', () => {
  test('quotes, escaped quotes, embedded line breaks, CRLF, BOM and blank lines', () => {
    const { rows, lines } = readAll('\ufeffName,Note\r\n"A, Inc.","say ""hi""\nthere"\r\n\r\nB,\nC,"x"');
    assert.deepEqual(rows, [['Name', 'Note'], ['A, Inc.', 'say "hi"\nthere'], ['B', ''], ['C', 'x']]);
    assert.equal(lines[1], '"A, Inc.","say ""hi""\nthere"');
  });

  test('other delimiters and values that are not trimmed', () => {
    assert.deepEqual(readAll('a|b\n x | y \n', '|').rows, [['a', 'b'], [' x ', ' y ']]);
  });

  test('text fed in parts of any size reads the same records and lines as the whole text', () => {
    const text = '\ufeffName,Note\r\n"A, Inc.","say ""hi""\nthere"\r\n\r\nB,\nC,"x"\r\nD,"é, ü"\n';
    const whole = readAll(text);
    for (const size of [1, 2, 3, 5, 8, 13]) {
      const reader = new CsvReader('', 44, false);
      const rows: string[][] = [];
      const lines: string[] = [];
      const out: string[] = [];
      for (let at = 0; at <= text.length; at += size) {
        reader.feed(text.slice(at, at + size), at + size >= text.length);
        while (reader.next(out)) {
          rows.push(out.slice());
          lines.push(reader.text.slice(reader.rowStart, reader.rowEnd));
        }
      }
      assert.deepEqual(rows, whole.rows, `parts of ${size}`);
      assert.deepEqual(lines, whole.lines, `lines, parts of ${size}`);
      assert.equal(reader.line, 6, `line count (the quoted line break is within line 2), parts of ${size}`);
    }
  });

  test('malformed quoting is an error', () => {
    assert.throws(() => readAll('a,b\n"x"y,1\n'), /closing quote/);
    assert.throws(() => readAll('a,b\n"x,1\n'), /Unterminated/);
  });
});
