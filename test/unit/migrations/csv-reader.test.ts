import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvFields, CsvLineReader, CsvRowReader, csvLine, csvRecordCells, csvRows, leadingCells } from '../../../src/salesforce/index.js';

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
    // Pieces of 3 bytes, as a body may arrive: 'ü' and the CJK characters are cut between them.
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const rows: string[][] = [];
    for await (const batch of csvRows(body())) rows.push(...batch);
    assert.deepEqual(rows, [['Name'], ['Zürich 東京']]);
  });
});

describe('CsvLineReader', () => {
  const LINES = [
    'sf__Id,sf__Created,Name,Note',
    '"001A","true","Acme, Inc.","say ""hi"""',
    '001B,false,"two\nlines",',
    '001C,true,,"x"',
    '001D,true,last,"end"',
  ];
  const linesOf = (pieces: string[]) => {
    const reader = new CsvLineReader();
    return [...pieces.flatMap((p) => reader.push(p)), ...reader.end()];
  };
  test('records as written: quoted line breaks kept, CRLF and empty lines dropped, whatever the text is cut into', () => {
    assert.deepEqual(linesOf([TEXT]), LINES);
    for (let cut = 1; cut < TEXT.length; cut++) assert.deepEqual(linesOf([TEXT.slice(0, cut), TEXT.slice(cut)]), LINES, `cut at ${cut}`);
    assert.deepEqual(linesOf([...TEXT]), LINES);
    assert.deepEqual(LINES.map(csvRecordCells), ROWS);
  });
  test('a quoted cell ending in CR is kept whole; text without any quote', () => {
    assert.deepEqual(linesOf(['a,"b\r"\r\n', 'c,d\n', 'e,f']), ['a,"b\r"', 'c,d', 'e,f']);
    assert.deepEqual(linesOf(['x\ny\nz\n']), ['x', 'y', 'z']);
  });
});

describe('leadingCells', () => {
  test('the first cells, quoted or not, and where the rest starts', () => {
    const line = '"001A","DUPLICATE_VALUE:duplicate value found: ""x"", id:--",Acme,"b,c"';
    const two = ['', ''];
    const rest = leadingCells(line, two);
    assert.deepEqual(two, ['001A', 'DUPLICATE_VALUE:duplicate value found: "x", id:--']);
    assert.equal(line.slice(rest), 'Acme,"b,c"');
    assert.equal(leadingCells('001B,true,', two), 10);
    assert.deepEqual(two, ['001B', 'true']);
    assert.equal(leadingCells('"001C","false"', two), 14);
    assert.deepEqual(two, ['001C', 'false']);
    assert.equal(leadingCells('anything', []), 0);
  });
  test('fewer cells than asked, or text after a closing quote: -1', () => {
    assert.equal(leadingCells('001B', ['', '']), -1);
    assert.equal(leadingCells('"001B"x,true,a', ['', '']), -1);
    assert.equal(leadingCells('"unclosed,true', ['', '']), -1);
    assert.equal(leadingCells('"unclosed ""quoted,true', ['', '']), -1);
  });
});

describe('CSV cells for Bulk uploads', () => {
  test('quoted only when a comma, a quote or a line break is in the text; numbers and booleans as their text', () => {
    const cells = ['plain', 'a,b', 'say "hi"', 'cr\r', 'lf\n', '', null, undefined, 0, -1.5, 1e21, NaN, true, false];
    assert.deepEqual(cells.map(csvCell), [
      'plain', '"a,b"', '"say ""hi"""', '"cr\r"', '"lf\n"', '', '', '', '0', '-1.5', '1e+21', 'NaN', 'true', 'false',
    ]);
  });
  test('csvFields joins the cells of a row, reusing nothing from the row before', () => {
    assert.equal(csvFields(['Acme, Inc.', 3, true, undefined]), '"Acme, Inc.",3,true,');
    assert.equal(csvFields(['x', 'y']), 'x,y');
    assert.equal(csvFields(['only']), 'only');
  });
});
