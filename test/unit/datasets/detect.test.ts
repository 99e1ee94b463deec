import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectFormat } from '../../../src/datasets/readers/index.js';
import { isAppError } from '../../../src/errors.js';
import { makeZip } from './helpers.js';

const xlsxHead = makeZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]);

describe('detectFormat', () => {
  test('recognises each format from its first bytes', () => {
    assert.equal(detectFormat(Buffer.from('a,b\n1,2\n'), 'x.csv').format, 'csv');
    assert.equal(detectFormat(xlsxHead, 'x.xlsx').format, 'xlsx');
    assert.equal(detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), 'x.xls').format, 'xls');
    assert.equal(detectFormat(Buffer.from('PAR1\x15\x00'), 'x.parquet').format, 'parquet');
    assert.equal(detectFormat(Buffer.from([0x80, 0x05, 0x95]), 'x.pkl').format, 'pickle');
    assert.equal(detectFormat(Buffer.from("(lp0\nS'a'\n"), 'x.pkl').format, 'pickle');
    assert.equal(detectFormat(Buffer.from("cos\nsystem\n(S'x'\ntR."), 'x.pkl').format, 'pickle');
    assert.equal(detectFormat(Buffer.from(' [{"a":1}]'), 'x.json').format, 'json');
    assert.equal(detectFormat(Buffer.from('{"a":1}\n{"a":2}\n'), 'x.ndjson').format, 'ndjson');
    assert.equal(detectFormat(Buffer.from('\ufeffa;b\n', 'utf16le'), 'x.csv').format, 'csv');
  });

  test('explains a name that disagrees with the content', () => {
    const detected = detectFormat(xlsxHead, 'data.csv');
    assert.equal(detected.format, 'xlsx');
    assert.match(detected.mismatch ?? '', /data\.csv looks like an Excel workbook \(zip, \.xlsx\), not a delimited text file \(CSV\)/);
    assert.equal(detectFormat(Buffer.from('a,b\n'), 'data.csv').mismatch, undefined);
    assert.match(detectFormat(Buffer.from([0x80, 0x04]), 'rows.json').mismatch ?? '', /looks like a Python pickle/);
  });

  test('refuses empty, binary and archive files with a reason', () => {
    const code = (head: Buffer, name: string) => {
      try {
        detectFormat(head, name);
        return 'accepted';
      } catch (error) {
        assert.ok(isAppError(error));
        assert.equal(error.status, 422);
        return `${error.code}: ${error.message}`;
      }
    };
    assert.match(code(Buffer.alloc(0), 'a.csv'), /^EMPTY_FILE/);
    assert.match(code(Buffer.from([0x1f, 0x8b, 8, 0]), 'a.csv'), /gzip/);
    assert.match(code(Buffer.from('%PDF-1.7'), 'a.csv'), /PDF/);
    assert.match(code(makeZip([{ name: 'readme.txt', data: Buffer.from('hi') }]), 'a.xlsx'), /zip archive but not an Excel workbook/);
    assert.match(code(Buffer.from([1, 2, 0, 0, 5]), 'a.csv'), /binary file/);
  });
});
