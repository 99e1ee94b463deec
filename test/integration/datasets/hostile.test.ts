import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { makeZip } from '../../support/zip.js';
import { rows, settled, startHarness, upload, uploadReady, type DatasetHarness } from './support.js';

const CSV = 'name,city\nZoë,東京\nBob,Paris\n';
const RELS = '<Relationships><Relationship Id="rId1" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>';

/** A one-sheet workbook written by hand; `declaredSize` makes the sheet's zip headers lie. */
function workbook(sheetData: string, declaredSize?: number): Buffer {
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from('<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(`<worksheet><sheetData>${sheetData}</sheetData></worksheet>`), declaredSize },
  ]);
}

describe('datasets: hostile files end ready with the right data, or failed at once with a clear reason', () => {
  let h: DatasetHarness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const failed = async (fileName: string, data: Buffer | string) => {
    const res = await upload(h, fileName, data).expect(202);
    const dataset = await settled(h, res.body.id);
    assert.equal(dataset.status, 'failed', `${fileName}: ${JSON.stringify(dataset)}`);
    return { id: res.body.id as string, error: dataset.error ?? { code: '', message: '' } };
  };

  test('UTF-32 BE behind a two-byte FE FF mark, and UTF-32 LE with its BOM, are read right', async () => {
    const files = {
      'be.csv': Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(CSV, 'utf-32be')]),
      'le.csv': iconv.encode(`\ufeff${CSV}`, 'utf-32le'),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const { upload: body, dataset } = await uploadReady(h, name, bytes);
      assert.equal(dataset.status, 'ready', `${name}: ${JSON.stringify(dataset.error)}`);
      assert.deepEqual((await rows(h, body.id, 0, 10)).rows, [['Zoë', '東京'], ['Bob', 'Paris']]);
    }
  });

  test('UTF-16 text that is really UTF-32 (chosen as utf-16le) fails on its NUL characters; utf-32le reads it', async () => {
    const bytes = iconv.encode(CSV, 'utf-32le');
    const wrong = await upload(h, 'x.csv', bytes, { encoding: 'utf-16le' }).expect(202);
    const dataset = await settled(h, wrong.body.id);
    assert.equal(dataset.error?.code, 'TEXT_NUL_CHARACTER');
    assert.match(dataset.error?.message ?? '', /^Line 1, column 2: read as utf-16le, the text holds a NUL character/);
    const { dataset: right } = await uploadReady(h, 'x.csv', iconv.encode(CSV, 'utf-16be'), { encoding: 'utf-16be' });
    assert.equal(right.status, 'ready', JSON.stringify(right.error));
  });

  test('an explicit encoding=utf-32be is used for a file without a mark', async () => {
    const bytes = Buffer.concat([iconv.encode(CSV, 'utf-32be'), iconv.encode('Ann,\u0001x\n', 'utf-32be')]);
    const { upload: body, dataset } = await uploadReady(h, 'plain.csv', bytes, { encoding: 'utf-32be' });
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.equal(dataset.rowCount, 3);
    assert.deepEqual((await rows(h, body.id, 2, 1)).rows, [['Ann', '\u0001x']]);
  });

  test('a whitespace-only file is refused as empty at upload, in any encoding', async () => {
    for (const bytes of [Buffer.from(' \t\n  \r\n\t\n'), iconv.encode('\ufeff \n\t\n', 'utf-16le'), iconv.encode('\ufeff  \n', 'utf-32be')]) {
      const res = await upload(h, 'blank.csv', bytes).expect(422);
      assert.equal(res.body.error.code, 'EMPTY_FILE');
    }
  });

  test('JSON and NDJSON nested 10,000 levels fail at once with JSON_TOO_DEEP, the line and the column', async () => {
    const json = await failed('deep.json', `[{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`);
    assert.equal(json.error.code, 'JSON_TOO_DEEP');
    assert.match(json.error.message, /^Line 1, column 69: .* more than 64 levels/);
    const ndjson = await failed('deep.ndjson', `{"a":1}\n{"a":${'{"b":'.repeat(10_000)}1${'}'.repeat(10_000)}}\n`);
    assert.equal(ndjson.error.code, 'JSON_TOO_DEEP');
    assert.match(ndjson.error.message, /^Line 2, column \d+:/);
    const job = await h.services.producer.queue('datasets').getJob(`${json.id}-parse-0`);
    assert.equal(job?.attemptsMade, 1, 'a file problem is not retried');
  });

  test('xlsx: lying zip headers stop at the real ratio; a huge cell names its cell; cells without r are read', async () => {
    const bomb = await failed('bomb.xlsx', workbook('<row><c><v>1</v></c></row>'.repeat(400_000), 2000));
    assert.equal(bomb.error.code, 'XLSX_ZIP_BOMB');
    const cell = await failed('cell.xlsx', workbook(`<row><c t="inlineStr"><is><t>a</t></is></c></row><row><c><v>${'9'.repeat(200_000)}</v></c></row>`));
    assert.equal(cell.error.code, 'CELL_TOO_LARGE');
    assert.match(cell.error.message, /^Sheet "S", cell A2 holds more than 131072 characters/);
    const plain = '<row><c t="inlineStr"><is><t>n</t></is></c><c t="inlineStr"><is><t>v</t></is></c></row><row><c><v>1</v></c><c><v>2</v></c></row>';
    const { upload: body, dataset } = await uploadReady(h, 'plain.xlsx', workbook(plain));
    assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
    assert.deepEqual((await rows(h, body.id, 0, 5)).rows, [[1, 2]]);
  });

  test('a damaged Parquet file fails as damaged, in words a person can act on', async () => {
    const res = await failed('broken.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from([40, 0, 0, 0]), Buffer.from('PAR1')]));
    assert.equal(res.error.code, 'PARQUET_CORRUPT');
    assert.doesNotMatch(res.error.message, /undefined|Cannot read|is not a function/);
  });
});
