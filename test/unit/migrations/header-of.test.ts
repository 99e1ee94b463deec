import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Mapping, mappingTargets } from '../../../src/mapping/index.js';
import { uploadLine } from '../../../src/migrations/prepare.js';
import { headerOf, linesUnder, parts } from '../../../src/migrations/write-bulk.js';
import { csvFields, type FlatRecord } from '../../../src/salesforce/index.js';

const mapping = Mapping.parse({
  object: 'Account',
  fields: [{ column: 'n', field: 'Name' }, { column: 'p', field: 'Phone' }, { column: 'w', field: 'Website' }, { column: 'e', field: 'NumberOfEmployees' }],
  constants: [{ field: 'Industry', value: 'Other' }],
});
const targets = mappingTargets(mapping);
/** A record's line under `header`, as Bulk reads it. */
const lineOf = (record: FlatRecord, header: readonly string[]) => csvFields(header.map((h) => record[h] ?? undefined));
const rows = (...records: FlatRecord[]) => records.map((record, i) => uploadLine(i + 1, targets.map((t) => record[t] ?? undefined)));

describe('headerOf', () => {
  test('the mapping targets some row carries, in mapping order, wherever they first appear', () => {
    assert.deepEqual(headerOf(targets, rows({ Name: 'A' }, { Website: 'w', Name: 'B' }, { Industry: 'Other' })), ['Name', 'Website', 'Industry']);
    assert.deepEqual(headerOf(targets, rows({ Industry: 'x', Website: 'w', Phone: 'p', Name: 'A', NumberOfEmployees: 0 }, { Name: 'B' })), targets);
    assert.deepEqual(headerOf(targets, rows({ Name: 'A' }, { Industry: 'x', Website: 'w', Phone: 'p', Name: 'A', NumberOfEmployees: 3 })), targets);
    assert.deepEqual(headerOf(targets, rows({ Name: 'a "quoted", name\nover two lines' }, { Phone: ',' })), ['Name', 'Phone']);
    assert.deepEqual(headerOf(targets, rows({}, {})), []);
    assert.deepEqual(headerOf(targets, []), []);
  });
});

describe('linesUnder', () => {
  test("each row's line under a part's header is the line its record gives under that header", () => {
    const records: FlatRecord[] = [
      { Name: 'Müller & Söhne, GmbH', Website: 'say "hi"', NumberOfEmployees: 12, Industry: 'Other' },
      { Name: 'two\r\nlines', NumberOfEmployees: 0, Industry: '株式会社 🚀' },
      { Name: ',', Website: '""', Industry: 'x' },
    ];
    const prepared = rows(...records);
    const header = headerOf(targets, prepared);
    assert.deepEqual(header, ['Name', 'Website', 'NumberOfEmployees', 'Industry']);
    assert.deepEqual(linesUnder(header, targets, prepared), records.map((r) => lineOf(r, header)));
    // Under every target the prepared line itself is sent.
    assert.deepEqual(linesUnder(targets, targets, prepared), records.map((r) => lineOf(r, targets)));
    assert.deepEqual(prepared.map((r) => r.gaps), [1, 2, 2]);
  });
});

describe('parts', () => {
  test('rows over the upload limit go in parts under it, in order; a part whose rows leave a column empty is sent without it', () => {
    const records: FlatRecord[] = [
      ...[1, 2, 3].map((i) => ({ Name: `株式会社 ${i} 🚀`.repeat(20), Phone: `+1 555 000${i}`, Industry: 'Other' })),
      ...[4, 5, 6].map((i) => ({ Name: `Müller, "${i}"`.repeat(20), Industry: 'Other' })),
    ];
    const prepared = rows(...records);
    const bytes = (lines: string[]) => lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
    const limit = bytes(linesUnder(targets, targets, prepared.slice(0, 3)));
    const cut = parts(targets, prepared, limit);
    assert.deepEqual(cut.map((p) => p.rows.map((r) => r.row)), [[1, 2, 3], [4, 5, 6]]);
    for (const part of cut) assert.ok(bytes(part.lines) <= limit);
    assert.deepEqual(cut.map((p) => p.header), [['Name', 'Phone', 'Industry'], ['Name', 'Industry']]);
    cut.forEach((part, p) => assert.deepEqual(part.lines, records.slice(p * 3, p * 3 + 3).map((r) => lineOf(r, part.header))));
    // Under the limit: one part, the lines as prepared.
    assert.deepEqual(parts(targets, prepared).map((p) => p.rows.length), [6]);
  });
});
