import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sayRow } from '../../../src/i18n/index.js';
import { ROW_MESSAGES, ROW_MESSAGE_FRAMES, rowMessage } from '../../../src/row-messages/index.js';
import { applyPipeline, frameFromRows } from '../../../src/frame/index.js';
import { classifyRowIssues } from '../../../src/validation/index.js';

const rows = (locale: string) => JSON.parse(readFileSync(`locales/${locale}/rows.json`, 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

/** The parameters each key is written with: the catalogue's, and the frames pages put around messages. */
const declared = new Map<string, string[]>([
  ...Object.entries({ ...ROW_MESSAGES, ...ROW_MESSAGE_FRAMES }).map(([key, params]): [string, string[]] => [key, [...params].sort()]),
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the catalogue of row messages', () => {
  test('every key has an English and a Chinese text with exactly its parameters', () => {
    for (const locale of ['en', 'zh-CN']) {
      const texts = rows(locale);
      for (const [key, params] of declared) {
        assert.ok(key in texts, `${locale}: ${key} is missing`);
        assert.deepEqual(placeholders(texts[key] ?? ''), params, `${locale}: ${key}`);
      }
      assert.deepEqual(Object.keys(texts).filter((key) => !declared.has(key)), [], `${locale}: texts no code writes`);
    }
  });

  test('every row key the code writes is in the catalogue', () => {
    const used = new Set<string>();
    for (const file of sourceFiles('src').filter((f) => !f.endsWith(join('row-messages', 'catalogue.ts')))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(row\.[\w.]+)'/g)) used.add(m[1] ?? '');
    }
    assert.ok(used.size >= 40, `found only ${used.size} keys in src`);
    assert.deepEqual([...used].filter((key) => !declared.has(key)), []);
  });

  test('the English text is what DMS wrote before keys; a page says it in Chinese, after its column', async () => {
    const said = rowMessage('row.cast.date.order', { value: '31/02/1990', order: 'DMY' });
    assert.equal(said.message, "'31/02/1990' is not a valid date (expected DMY or ISO)");
    const result = await applyPipeline(frameFromRows(['born'], [['31/02/1990']]), [{ op: 'cast', columns: ['born'], to: 'date', order: 'DMY' }]);
    const [error] = classifyRowIssues(result.rowIssues, { fields: [{ column: 'born', field: 'Birthdate' }], relationships: [] }).failures.get(1) ?? [];
    assert.equal(error?.message, "born: '31/02/1990' is not a valid date (expected DMY or ISO)");
    assert.equal(sayRow('zh-CN', error?.i18n, error?.message ?? ''), 'born：“31/02/1990”不是有效日期（应为 DMY 顺序或 ISO 格式）');
    assert.equal(sayRow('en', error?.i18n, error?.message ?? ''), error?.message);
    // Salesforce's own words, and messages stored before keys, are shown as stored.
    assert.equal(sayRow('zh-CN', undefined, 'FIELD_CUSTOM_VALIDATION_EXCEPTION: nope'), 'FIELD_CUSTOM_VALIDATION_EXCEPTION: nope');
    assert.equal(sayRow('zh-CN', { key: 'row.no.such.key' }, 'as stored'), 'as stored');
    const two = [rowMessage('row.check.missingId').i18n, rowMessage('row.valueMap.unmapped', { value: '?' }).i18n];
    assert.equal(sayRow('zh-CN', two, ''), '更新操作未提供 Id；“?”没有对应的映射值');
  });

  test('a formula\'s own sentence is said inside the step\'s: a filter that could not be evaluated, a new column that failed', async () => {
    const frame = frameFromRows(['Amount'], [['n/a'], ['4']]);
    const filtered = await applyPipeline(frame, [{ op: 'filter', expression: 'Amount * 2 > 3' }]);
    const [skipped] = filtered.skipped;
    assert.equal(skipped?.reason, "filter could not be evaluated: value 'n/a' is not a number");
    assert.equal(sayRow('zh-CN', skipped?.i18n, ''), '无法计算筛选条件：值“n/a”不是数字');
    assert.equal(sayRow('en', skipped?.i18n, ''), skipped?.reason);
    const derived = await applyPipeline(frame, [{ op: 'derive', column: 'Double', expression: 'Amount * 2' }]);
    assert.equal(sayRow('zh-CN', derived.rowIssues[0]?.i18n, ''), '值“n/a”不是数字');
  });

  test('a quoted value is kept short in the stored parameters, whole in the English text', () => {
    const said = rowMessage('row.check.tooLong', { label: 'Name', value: 'x'.repeat(5000), max: 255 });
    assert.ok(said.message.includes('x'.repeat(5000)));
    assert.ok(String(said.i18n.params?.value).length <= 201);
  });
});
