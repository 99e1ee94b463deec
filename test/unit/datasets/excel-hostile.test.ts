import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertRejects, makeZip, readAllBatches } from './helpers.js';

const RELS = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">';
const TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A hand-made workbook of one sheet "S"; `declaredSize` makes the sheet's zip headers lie about its size. */
function workbook(sheetData: string | Buffer, options: { strings?: string[]; declaredSize?: number } = {}): Buffer {
  const sheet = Buffer.isBuffer(sheetData) ? sheetData : Buffer.from(`<worksheet><sheetData>${sheetData}</sheetData></worksheet>`);
  const strings = options.strings ?? [];
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    { name: '_rels/.rels', data: Buffer.from(`${RELS}<Relationship Id="rId1" Type="${TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(`${RELS}<Relationship Id="rId1" Type="${TYPE}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${TYPE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: options.declaredSize },
    // After the sheet, as Excel stores it: the reader must not need the strings before it meets the sheet.
    { name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst>${strings.map((s) => `<si><t>${s}</t></si>`).join('')}</sst>`) },
  ]);
}

const text = (value: string) => `<c t="inlineStr"><is><t>${value}</t></is></c>`;
const header = `<row r="1">${text('name')}${text('n')}</row>`;

describe('xlsx: hostile workbooks are stopped while streaming', () => {
  test('cells and rows without the optional r attribute are read at their place; namespace prefixes are fine', async () => {
    const rows = `${header}<row>${text('a')}<c><v>1</v></c></row><row r="5"><c r="B5"><v>2</v></c></row><row><c/><c><v>3</v></c></row>`;
    const { columns, rows: read } = await readAllBatches(workbook(rows));
    assert.deepEqual([columns, read], [['name', 'n'], [['a', 1], [null, 2], [null, 3]]]);
    const prefixed = Buffer.from(`<x:worksheet xmlns:x="main"><x:sheetData>${header.replace(/<(\/?)(row|c|is|t)\b/g, '<$1x:$2')}<x:row><x:c t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>`);
    assert.deepEqual((await readAllBatches(workbook(prefixed, { strings: ['x &amp; y'] }))).rows, [['x & y', null]]);
  });

  test('zip headers that lie about sizes: the real inflated bytes are counted, by ratio and in total', async () => {
    const rows = `${header}${`<row>${text('same')}<c><v>1</v></c></row>`.repeat(200_000)}`;
    const liar = workbook(rows, { declaredSize: 1000 });
    await assertRejects(liar, {}, 'XLSX_ZIP_BOMB', /sheet1\.xml inflates more than 200 times its compressed size/);
    const limits = { maxCompressionRatio: 1_000_000, maxDecompressedBytes: 4 * 1024 * 1024 };
    await assertRejects(liar, { limits }, 'XLSX_ZIP_BOMB', /unpacks to more than 4194304 bytes \(reached in part xl\/worksheets\/sheet1\.xml\), whatever its zip headers say/);
  });

  test('a row bomb is refused past maxSheetRows, empty rows and repeated row numbers too', async () => {
    const limits = { maxCompressionRatio: 1_000_000, maxSheetRows: 1000 };
    const data = `${header}${`<row>${text('a')}<c><v>1</v></c></row>`.repeat(1001)}`;
    await assertRejects(workbook(data), { limits }, 'XLSX_TOO_MANY_ROWS', /^Sheet "S" has more than 1001 rows \(row 1002\)/);
    assert.equal((await readAllBatches(workbook(`${header}${`<row>${text('a')}<c><v>1</v></c></row>`.repeat(1000)}`), { limits })).rows.length, 1000);
    await assertRejects(workbook(`${header}${'<row/>'.repeat(2_000_000)}`), { limits: { maxCompressionRatio: 1_000_000 } }, 'XLSX_TOO_MANY_ROWS', /more than 1048577 rows/);
    await assertRejects(workbook(`${header}${'<row r="2"/>'.repeat(1002)}`), { limits }, 'XLSX_TOO_MANY_ROWS', /more than 1001 rows/);
  });

  test('a cell over maxCellChars is refused with its sheet and cell, inline, as a value or a shared string', async () => {
    const limits = { maxCompressionRatio: 1_000_000 };
    const huge = 'x'.repeat(20 * 1024 * 1024);
    await assertRejects(workbook(`${header}<row>${text('a')}<c><v>${huge}</v></c></row>`), { limits }, 'CELL_TOO_LARGE', /^Sheet "S", cell B2 holds more than 131072 characters/);
    await assertRejects(workbook(`${header}<row>${text(huge)}</row>`), { limits }, 'CELL_TOO_LARGE', /^Sheet "S", cell A2 /);
    const strings = ['ok', huge];
    await assertRejects(workbook(`${header}<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>`, { strings }), { limits }, 'CELL_TOO_LARGE', /^Sheet "S", cell B2 /);
    // Exactly at the limit, entities included, is fine; a long string no cell uses harms nobody.
    const atLimit = `${'&amp;'.repeat(1000)}${'y'.repeat(131_072 - 1000)}`;
    const { rows } = await readAllBatches(workbook(`${header}<row><c t="s"><v>0</v></c>${text(atLimit)}</row>`, { strings }), { limits });
    assert.equal(rows[0][0], 'ok');
    assert.equal((rows[0][1] as string).length, 131_072);
  });

  test('damage is named: a DOCTYPE, a shared string that does not exist, a cell past column XFD', async () => {
    const doctype = Buffer.from('<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>');
    await assertRejects(workbook(doctype), {}, 'XLSX_CORRUPT', /sheet1\.xml holds a DOCTYPE/);
    await assertRejects(workbook(`${header}<row><c t="s"><v>7</v></c></row>`), {}, 'XLSX_CORRUPT', /cell A2 refers to shared string 7/);
    await assertRejects(workbook(`${header}<row><c r="XFE2"><v>1</v></c></row>`), {}, 'XLSX_CORRUPT', /row 2: a cell \(XFE2\) lies outside Excel's columns A to XFD/);
  });
});
