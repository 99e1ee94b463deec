import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPipeline, frameFromRows, validatePipeline, type Pipeline, type Value } from '../../../src/frame/index.js';

async function run(values: Value[], pipeline: Pipeline) {
  const result = await applyPipeline(frameFromRows(['v'], values.map((v) => [v])), pipeline);
  return { values: result.frame.data[0], issues: result.rowIssues };
}

describe('text steps', () => {
  test('trim removes unicode spaces (NBSP) and leaves non-strings and null alone', async () => {
    const { values } = await run(['\u00a0 Zoë\t', 3, null, true], [{ op: 'trim', columns: ['v'] }]);
    assert.deepEqual(values, ['Zoë', 3, null, true]);
  });

  test('collapseWhitespace joins runs of any whitespace into one space', async () => {
    const { values } = await run(['a \u2003 b\n\nc ', ''], [{ op: 'collapseWhitespace', columns: ['v'] }]);
    assert.deepEqual(values, ['a b c', '']);
  });

  test('case: upper/lower/title are unicode-aware', async () => {
    assert.deepEqual((await run(['straße', null], [{ op: 'case', columns: ['v'], mode: 'upper' }])).values, ['STRASSE', null]);
    assert.deepEqual((await run(['ÉLODIE'], [{ op: 'case', columns: ['v'], mode: 'lower' }])).values, ['élodie']);
    const title = await run(["jean-luc o'neil", 'ÅSA ØDEGAARD', 'élan vital'], [{ op: 'case', columns: ['v'], mode: 'title' }]);
    assert.deepEqual(title.values, ["Jean-Luc O'neil", 'Åsa Ødegaard', 'Élan Vital']);
  });

  test('replace is literal (no regex), every occurrence', async () => {
    const { values } = await run(['a.b.c', null], [{ op: 'replace', columns: ['v'], find: '.', replacement: '-' }]);
    assert.deepEqual(values, ['a-b-c', null]);
  });

  test('regexReplace with groups and unicode classes', async () => {
    const { values } = await run(['+33 (0)1 23', 'Zoë'], [
      { op: 'regexReplace', columns: ['v'], pattern: '[^\\p{N}+]', replacement: '' },
    ]);
    assert.deepEqual(values, ['+330123', '']);
  });

  test('regexReplace leaves over-long values unchanged with an issue', async () => {
    const long = 'a'.repeat(2_001);
    const { values, issues } = await run([long], [{ op: 'regexReplace', columns: ['v'], pattern: 'a', replacement: 'b' }]);
    assert.equal(values[0], long);
    assert.equal(issues[0].code, 'REGEX_VALUE_TOO_LONG');
  });

  test('unsafe or invalid regexes are refused when the pipeline is validated', () => {
    const problems = (pattern: string) => validatePipeline([{ op: 'regexReplace', columns: ['v'], pattern, replacement: '' }]).problems;
    assert.match(problems('(a+)+$')[0].message, /repeated group/);
    assert.match(problems('(\\w|x*)*')[0].message, /repeated group/);
    assert.match(problems('^(a|aa)+$')[0].message, /repeated group/);
    assert.deepEqual(problems('(Mr|Mrs)?\\.? ([A-Z]\\w+)'), []);
    assert.match(problems('(a)\\1')[0].message, /back-references/);
    assert.match(problems('(?<=a)b')[0].message, /lookbehind/);
    assert.match(problems('([a-z]')[0].message, /invalid regular expression/);
    assert.deepEqual(problems('(ab)+[0-9]+'), []);
  });

  test('valueMap maps labels to values, case-insensitively, and reports unmapped values when asked', async () => {
    const { values, issues } = await run(['Y', ' n ', 'maybe', null], [
      { op: 'valueMap', columns: ['v'], map: { y: true, n: false }, caseInsensitive: true, otherwise: 'null' },
    ]);
    assert.deepEqual(values, [true, false, null, null]);
    assert.deepEqual(issues.map((i) => [i.row, i.code]), [[3, 'VALUE_MAP_UNMAPPED']]);
    const kept = await run(['Prospect', 'Other'], [{ op: 'valueMap', columns: ['v'], map: { Prospect: 'Prospect__c' } }]);
    assert.deepEqual(kept.values, ['Prospect__c', 'Other']);
  });

  test('fillNull fills null, and blanks when blankAsNull', async () => {
    assert.deepEqual((await run([null, '', ' ', 'x'], [{ op: 'fillNull', columns: ['v'], value: 'n/a' }])).values, ['n/a', '', ' ', 'x']);
    assert.deepEqual(
      (await run([null, '', ' ', 'x'], [{ op: 'fillNull', columns: ['v'], value: 0, blankAsNull: true }])).values,
      [0, 0, 0, 'x'],
    );
  });
});
