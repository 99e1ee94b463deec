import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { assertRejects, readAllBatches } from './helpers.js';

const SAMPLES: Record<string, { header: string; rows: string[][] }> = {
  gb18030: { header: '姓名,城市,备注', rows: [['张伟', '北京', '这是一个很长的中文句子，用来帮助编码检测'], ['王芳', '上海', '数据迁移系统读取文件并保存为数据集'], ['李娜', '广州', '客户联系人和账户信息需要导入到系统中']] },
  big5: { header: '姓名,城市,備註', rows: [['陳大文', '臺北', '這是一個很長的中文句子，用來幫助編碼檢測'], ['林美麗', '高雄', '資料遷移系統讀取檔案並儲存為資料集'], ['黃小明', '臺中', '客戶聯絡人和帳戶資訊需要匯入到系統中']] },
  shift_jis: { header: '名前,都市,メモ', rows: [['山田太郎', '東京', 'これは文字コード判定のための長い日本語の文章です'], ['佐藤花子', '大阪', 'データ移行システムはファイルを読み込みます'], ['鈴木一郎', '名古屋', '顧客の連絡先と取引先の情報を取り込みます']] },
  'windows-1252': { header: 'nom,ville,note', rows: [['Zoë', 'Besançon', 'déjà vu très élégant naïveté'], ['François', 'Orléans', 'crème brûlée à la française – €5'], ['Anaïs', 'Nîmes', 'garçon façade œuvre complète']] },
};

const csvText = (sample: { header: string; rows: string[][] }): string => [sample.header, ...sample.rows.map((row) => row.join(','))].join('\r\n') + '\r\n';

describe('CSV encodings', () => {
  for (const [encoding, sample] of Object.entries(SAMPLES)) {
    test(`detects ${encoding} and decodes it, even cut into 7-byte chunks`, async () => {
      const bytes = iconv.encode(csvText(sample), encoding);
      const { columns, rows } = await readAllBatches(bytes, {}, 7);
      assert.deepEqual(columns, sample.header.split(','));
      assert.deepEqual(rows, sample.rows);
    });
  }

  test('UTF-16 LE and BE with their BOMs', async () => {
    const text = '\ufeffname;city\nZoë;東京\n';
    for (const encoding of ['utf-16le', 'utf-16be']) {
      const { columns, rows } = await readAllBatches(iconv.encode(text, encoding), {}, 3);
      assert.deepEqual(columns, ['name', 'city'], encoding);
      assert.deepEqual(rows, [['Zoë', '東京']]);
    }
  });

  test('UTF-8 multibyte characters survive any chunk boundary', async () => {
    const text = 'a,b\n' + Array.from({ length: 200 }, (_, i) => `${i},€😀東${i}`).join('\n');
    const { rows } = await readAllBatches(Buffer.from(text), {}, 5);
    assert.equal(rows.length, 200);
    assert.deepEqual(rows[199], ['199', '€😀東199']);
  });

  test('the encoding option overrides detection', async () => {
    const bytes = iconv.encode(csvText(SAMPLES['windows-1252']), 'windows-1252');
    const { rows } = await readAllBatches(bytes, { encoding: 'latin1' });
    assert.equal(rows[0][0], 'Zoë');
    await assertRejects(bytes, { encoding: 'klingon' }, 'UNKNOWN_ENCODING', /"klingon" is not an encoding/);
  });

  test('bytes that are not UTF-8 in a file read as UTF-8: error with the line', async () => {
    const good = Array.from({ length: 20_000 }, (_, i) => `${i},ok`).join('\n');
    const bytes = Buffer.concat([Buffer.from(`n,v\n${good}\n`), Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x0a])]);
    await assertRejects(bytes, {}, 'CSV_UNDECODABLE', /^Line 20002, column 3 \(near byte \d+\) holds bytes that are not valid utf-8/, 4096);
    await assertRejects(iconv.encode(csvText(SAMPLES['windows-1252']), 'windows-1252'), { encoding: 'utf-8' }, 'CSV_UNDECODABLE', /^Line 2, /);
  });
});
