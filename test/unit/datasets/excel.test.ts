import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { assertRejects, makeZip, readAllBatches } from './helpers.js';

async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const notes = book.addWorksheet('Notes');
  notes.addRow(['only', 'notes']);
  notes.addRow(['x', 'y']);
  const data = book.addWorksheet('Data');
  data.addRow(['Name', 'Joined', null, 'Total', 'Name']);
  data.mergeCells('B1:C1');
  data.addRow(['Ada', new Date(Date.UTC(2024, 0, 2)), 'x', { formula: '1+1', result: 2 }, { richText: [{ text: 'Bold' }, { text: ' plain' }] }]);
  data.addRow([{ text: 'Bob', hyperlink: 'https://example.invalid' }, null, null, { error: '#N/A' }, 'b']);
  data.getCell('B2').numFmt = 'yyyy-mm-dd';
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('xlsx reader', () => {
  test('reads the chosen sheet: dates, cached formula results, rich text, hyperlinks, stable header names', async () => {
    const { columns, rows, issues } = await readAllBatches(await workbook(), { sheet: 'Data' });
    assert.deepEqual(columns, ['Name', 'Joined', 'column_3', 'Total', 'Name_2']);
    assert.deepEqual(rows, [
      ['Ada', new Date(Date.UTC(2024, 0, 2)), 'x', 2, 'Bold plain'],
      ['Bob', null, null, null, 'b'],
    ]);
    assert.deepEqual(issues.map((issue) => issue.code), ['HEADER_RENAMED', 'HEADER_RENAMED', 'EXCEL_ERROR_VALUE']);
    assert.match(issues[2].message, /Sheet "Data", cell D3 holds the error #N\/A/);
  });

  test('defaults to the first sheet; an unknown sheet lists the sheets', async () => {
    const book = await workbook();
    assert.deepEqual((await readAllBatches(book)).columns, ['only', 'notes']);
    await assertRejects(book, { sheet: 'Nope' }, 'EXCEL_SHEET_NOT_FOUND', /no sheet named "Nope". Its sheets: "Notes", "Data"/);
  });

  test('ragged rows beyond the header: error with sheet, row and cell, or accepted', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('S');
    sheet.addRow(['a', 'b']);
    sheet.addRow([1, 2, 3]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    await assertRejects(bytes, {}, 'EXCEL_RAGGED_ROW', /^Sheet "S", row 2, cell C2:/);
    const { rows, issues } = await readAllBatches(bytes, { onRaggedRows: 'accept' });
    assert.deepEqual([rows, issues.map((issue) => issue.code)], [[[1, 2]], ['RAGGED_ROW']]);
  });

  test('zip bomb: refused from the zip directory before anything is inflated', async () => {
    const sheetXml = Buffer.alloc(30 * 1024 * 1024, ' ');
    const bomb = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
    ]);
    await assertRejects(bomb, {}, 'XLSX_ZIP_BOMB', /xl\/worksheets\/sheet1\.xml is compressed \d+:1 \(limit 200:1\)/);
    await assertRejects(bomb, { limits: { maxDecompressedBytes: 10 * 1024 * 1024 } }, 'XLSX_ZIP_BOMB', /would unpack to more than 10485760 bytes \(reached at part xl\/worksheets\/sheet1\.xml\)/);
    const liar = makeZip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'), declaredSize: 0xfffffff0 }]);
    await assertRejects(liar, { format: 'xlsx' }, 'XLSX_ZIP_BOMB', /would unpack to more than/);
  });

  test('a truncated workbook and an .xls file get clear answers', async () => {
    const book = await workbook();
    await assertRejects(book.subarray(0, book.length - 100), { format: 'xlsx' }, 'XLSX_CORRUPT', /truncated or damaged/);
    await assertRejects(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), {}, 'XLS_NOT_SUPPORTED', /save it as \.xlsx or CSV/);
  });
});
