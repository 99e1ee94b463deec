import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CsvRowReader, csvLine, csvRows } from '../../../src/salesforce/index.js';

const TEXT = 'sf__Id,sf__Created,Name,Note\r\n"001A","true","Acme, Inc.","say ""hi"""\n001B,false,"two\nlines",\n\n001C,true,,"x"\n001D,true,last,"end"';
const ROWS = [
  ['sf__Id', 'sf__Created', 'Name', 'Note'],
  ['001A', 'true', 'Acme, Inc.', 'say "hi"'],
  ['001B', 'false', 'two\nlines', ''],
  ['001C', 'true', '', 'x'],
  ['001D', 'true', 'last', 'end'],
];

function readAll(pieces: string[]): string[][] {
  const reader = new CsvRowReader();
  return [...pieces.flatMap((p) => reader.push(p)), ...reader.end()];
}

describe('CsvRowReader', () => {
  test('quotes, doubled quotes, line breaks in cells, CRLF, empty lines, no final line break', () => {
    assert.deepEqual(readAll([TEXT]), ROWS);
  });
  test('the same rows whatever the text is cut into', () => {
    for (let cut = 1; cut < TEXT.length; cut++) assert.deepEqual(readAll([TEXT.slice(0, cut), TEXT.slice(cut)]), ROWS, `cut at ${cut}`);
    assert.deepEqual(readAll([...TEXT]), ROWS);
  });
  test('reads back what csvLine writes', () => {
    const values = ['a', 'b,c', 'say "hi"', '', 'line\r\nbreak', '"', ','];
    assert.deepEqual(readAll([csvLine(values)]), [values]);
  });
  test('csvRows decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('Name\nZürich 東京\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.subarray(i, i + 3));
        controller.close();
      },
    });
    const rows: string[][] = [];
    for await (const batch of csvRows(body)) rows.push(...batch);
    assert.deepEqual(rows, [['Name'], ['Zürich 東京']]);
  });
});
