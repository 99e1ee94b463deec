import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { detectFormat } from '../../../src/datasets/readers/index.js';
import { isAppError } from '../../../src/errors.js';
import { assertRejects, readAllBatches } from './helpers.js';

const CSV = 'name,city\nZoë,東京\nBob,Paris 😀\n';
const ROWS = [['Zoë', '東京'], ['Bob', 'Paris 😀']];
const utf16Mark = { be: Buffer.from([0xfe, 0xff]), le: Buffer.from([0xff, 0xfe]) };

describe('UTF-32 text, marked or not, is read; text holding NUL characters never is', () => {
  test('UTF-32 LE and BE, with a BOM, without one, or behind a two-byte UTF-16 mark; cut inside code units', async () => {
    const files: Record<string, Buffer> = {
      'le + BOM': iconv.encode(`\ufeff${CSV}`, 'utf-32le'),
      'be + BOM': iconv.encode(`\ufeff${CSV}`, 'utf-32be'),
      'le, no BOM': iconv.encode(CSV, 'utf-32le'),
      'be, no BOM': iconv.encode(CSV, 'utf-32be'),
      'be behind FE FF': Buffer.concat([utf16Mark.be, iconv.encode(CSV, 'utf-32be')]),
      'le behind FF FE': Buffer.concat([utf16Mark.le, iconv.encode(CSV, 'utf-32le')]),
    };
    for (const [name, bytes] of Object.entries(files)) {
      assert.equal(detectFormat(bytes, 'a.csv').format, 'csv', name);
      const { columns, rows } = await readAllBatches(bytes, {}, 3);
      assert.deepEqual([columns, rows], [['name', 'city'], ROWS], name);
    }
  });

  test('an explicit encoding is always used, and NUL bytes are then not taken for a binary file', async () => {
    const bare = iconv.encode(CSV, 'utf-32be');
    for (const encoding of ['utf-32be', 'UTF32BE', 'utf-32', 'ucs-4']) {
      assert.deepEqual((await readAllBatches(bare, { encoding })).rows, ROWS, encoding);
    }
    const utf16 = iconv.encode('a,b\n1,2\n', 'utf-16le');
    assert.throws(() => detectFormat(utf16, 'a.csv'), /binary file/);
    assert.equal(detectFormat(utf16, 'a.csv', { encoding: 'utf-16le' }).format, 'csv');
    assert.deepEqual((await readAllBatches(utf16, { encoding: 'utf-16le' })).rows, [['1', '2']]);
  });

  test('decoded NUL characters are refused with their line and column, in every text format', async () => {
    const utf8 = Buffer.from('a,b\n1,2\n3,x\u0000y\n');
    await assertRejects(utf8, { format: 'csv' }, 'TEXT_NUL_CHARACTER', /^Line 3, column 4: read as utf-8, the text holds a NUL character/, 5);
    // UTF-32 text read as UTF-16 (a wrong choice, or a mark that lies) is nothing but NULs between letters.
    const utf32 = iconv.encode(CSV, 'utf-32le');
    await assertRejects(utf32, { encoding: 'utf-16le' }, 'TEXT_NUL_CHARACTER', /^Line 1, column 2: read as utf-16le/);
    await assertRejects(Buffer.from('[{"a":"x"},\n {"a":"\u0000"}]'), { format: 'json' }, 'TEXT_NUL_CHARACTER', /^Line 2, column 8:/);
    await assertRejects(Buffer.from('{"a":1}\n{"a":"\u0000"}\n'), { format: 'ndjson' }, 'TEXT_NUL_CHARACTER', /^Line 2, column 7:/);
  });

  test('bytes that are no UTF-32 character are refused, not replaced', async () => {
    const bad = Buffer.concat([iconv.encode('a,b\n1,', 'utf-32le'), Buffer.from([0, 0, 0x11, 0]), iconv.encode('\n', 'utf-32le')]);
    await assertRejects(bad, { encoding: 'utf-32le' }, 'CSV_UNDECODABLE', /holds bytes that are not valid utf-32le/);
    await assertRejects(iconv.encode('a,b\n1,2', 'utf-32le').subarray(0, 27), { encoding: 'utf-32le' }, 'CSV_UNDECODABLE', /not valid utf-32le/);
  });

  test('JSON and NDJSON in UTF-16 or UTF-32 are read too', async () => {
    const json = '[{"name":"Zoë"},{"name":"東京"}]';
    for (const encoding of ['utf-32le', 'utf-32be', 'utf-16le', 'utf-16be']) {
      const { rows } = await readAllBatches(iconv.encode(`\ufeff${json}`, encoding), {}, 5);
      assert.deepEqual(rows, [['Zoë'], ['東京']], encoding);
    }
    const { rows } = await readAllBatches(iconv.encode('{"a":1}\n{"a":2}\n', 'utf-32be'), { format: 'ndjson' });
    assert.deepEqual(rows, [[1], [2]]);
  });
});

describe('a file of whitespace is empty, not a one-row dataset', () => {
  const blank = ' \t\n   \r\n\t\t\n  ';
  const encodings: [string, Buffer][] = [
    ['utf-8', Buffer.from(blank)],
    ['utf-8 + BOM', Buffer.from(`\ufeff${blank}`)],
    ['utf-16le + BOM', iconv.encode(`\ufeff${blank}`, 'utf-16le')],
    // Whose units, read as UTF-32, would be U+A0020 and U+A0009: still UTF-16.
    ['utf-16le + BOM, short', iconv.encode('\ufeff \n\t\n', 'utf-16le')],
    ['utf-32be + BOM', iconv.encode(`\ufeff${blank}`, 'utf-32be')],
  ];

  test('refused as EMPTY_FILE by every text reader, in any encoding', async () => {
    for (const [name, bytes] of encodings) {
      for (const format of ['csv', 'json', 'ndjson'] as const) {
        await assertRejects(bytes, { format }, 'EMPTY_FILE', /whitespace|blank lines/, 2).catch((error: unknown) => {
          throw new Error(`${name} as ${format}: ${String(error)}`);
        });
      }
    }
    await assertRejects('\t\t\n\t\t\n', { delimiter: '\t' }, 'EMPTY_FILE', /only blank lines, spaces or tabs/);
  });

  test('detection refuses a whole file of whitespace at once; a longer file is left to the reader', () => {
    for (const [name, bytes] of encodings) {
      assert.throws(() => detectFormat(bytes, 'blank.csv', { complete: true }), (error: unknown) => {
        assert.ok(isAppError(error), name);
        assert.equal(error.code, 'EMPTY_FILE', name);
        return true;
      });
      assert.equal(detectFormat(bytes, 'blank.csv').format, 'csv', name);
    }
  });

  test('whitespace lines before the first row are blank lines', async () => {
    const { columns, rows } = await readAllBatches('  \n\t\na,b\n1,2\n');
    assert.deepEqual([columns, rows], [['a', 'b'], [['1', '2']]]);
  });
});

describe('JSON nested too deep is refused before it is parsed', () => {
  const jsonArray = (levels: number) => `[{"a":${'['.repeat(levels)}${']'.repeat(levels)}}]`;
  const ndjsonLine = (levels: number) => `{"id":1}\n{"a":${'['.repeat(levels)}${']'.repeat(levels)}}\n`;

  test('10,000 and 1,000,000 levels: JSON_TOO_DEEP with the line and column, no stack overflow', async () => {
    for (const levels of [10_000, 1_000_000]) {
      // The array is level 1, the record 2: the 63rd bracket inside opens level 65, at column 6 + 63.
      await assertRejects(jsonArray(levels), { format: 'json' }, 'JSON_TOO_DEEP', /^Line 1, column 69: .*more than 64 levels/);
      await assertRejects(ndjsonLine(levels), { format: 'ndjson' }, 'JSON_TOO_DEEP', /^Line 2, column 69: .*more than 64 levels/);
    }
  });

  test('the limit itself is accepted; brackets inside strings do not count', async () => {
    const atLimit = await readAllBatches(jsonArray(62), { format: 'json' });
    assert.equal(atLimit.rows[0][0], `${'['.repeat(62)}${']'.repeat(62)}`);
    await assertRejects(jsonArray(63), { format: 'json' }, 'JSON_TOO_DEEP', /more than 64 levels/);
    assert.equal((await readAllBatches(ndjsonLine(63), { format: 'ndjson' })).rows.length, 2);
    await assertRejects(ndjsonLine(64), { format: 'ndjson' }, 'JSON_TOO_DEEP', /^Line 2,/);
    const inStrings = `{"a":"${'[{'.repeat(100)}","b":"\\"["}\n`;
    assert.equal((await readAllBatches(inStrings, { format: 'ndjson' })).rows[0][0], '[{'.repeat(100));
    assert.equal((await readAllBatches(`[${inStrings}]`, { format: 'json', limits: { maxJsonDepth: 2 } })).rows.length, 1);
  });
});
