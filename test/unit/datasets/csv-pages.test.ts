import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvPages } from '../../../src/datasets/readers/index.js';
import type { RowBatch } from '../../../src/datasets/readers/index.js';

/** Feeds pages cut into pieces at every `cut` characters (as HTTP chunks arrive) and collects the batches. */
function read(columns: string[], pages: string[], cut = 3, batchSize = 2): RowBatch[] {
  const reader = new CsvPages(columns, batchSize);
  const batches: RowBatch[] = [];
  for (const page of pages) {
    for (let at = 0; at < page.length; at += cut) {
      reader.push(page.slice(at, at + cut));
      batches.push(...reader.drain());
    }
    reader.endPage();
  }
  return [...batches, ...reader.drain(true)];
}

describe('CsvPages: Bulk query result pages, each with its header', () => {
  it('skips each page\'s header, keeps quoted commas and line breaks, empty as null, rows with their own text', () => {
    const batches = read(['Id', 'Name'], ['"Id","Name"\n"1","a, b"\n"2",""\n', '"Id","Name"\n"3","two\nlines"\n', 'Id,Name\n4,d']);
    const rows = batches.flatMap((b) => b.rows);
    assert.deepEqual(rows, [['1', 'a, b'], ['2', null], ['3', 'two\nlines'], ['4', 'd']]);
    assert.deepEqual(batches.flatMap((b) => b.raw?.lines ?? []), ['"1","a, b"', '"2",""', '"3","two\nlines"', '4,d']);
    assert.deepEqual(batches.map((b) => b.firstRowNumber), [1, 3]);
  });

  it('refuses a page whose header does not match the query, or a ragged row, naming the page', () => {
    assert.throws(() => read(['Id', 'Name'], ['Id,Name\n1,a\n', 'Id\n2\n']), /Page 2 of the results has 1 columns \(Id\), but the query selects 2/);
    assert.throws(() => read(['Id', 'Name'], ['Id,Name\n1,a,extra\n']), /Page 1, line 2: a result row has 3 fields where the query selects 2/);
  });
});
