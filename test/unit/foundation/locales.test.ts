import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const catalogue = (locale: string): Map<string, string> => new Map(
  readdirSync(`locales/${locale}`).filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.entries(JSON.parse(readFileSync(`locales/${locale}/${f}`, 'utf8')) as Record<string, string>)),
);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the catalogues', () => {
  test('every English message has a Chinese one with the same placeholders', () => {
    const en = catalogue('en');
    const zh = catalogue('zh-CN');
    assert.deepEqual([...en.keys()].filter((k) => !zh.has(k)), [], 'keys missing in zh-CN');
    assert.deepEqual([...zh.keys()].filter((k) => !en.has(k)), [], 'keys only in zh-CN');
    const mismatched = [...en].filter(([k, text]) => placeholders(text).join() !== placeholders(zh.get(k) ?? '').join()).map(([k]) => k);
    assert.deepEqual(mismatched, []);
    assert.deepEqual([...zh].filter(([, text]) => text.trim() === '').map(([k]) => k), [], 'empty Chinese messages');
  });
});
