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

  test('malformed quoting is an error', () => {
    assert.throws(() => readAll('a,b\n"x"y,1\n'), /closing quote/);
    assert.throws(() => readAll('a,b\n"x,1\n'), /Unterminated/);
  });
});
