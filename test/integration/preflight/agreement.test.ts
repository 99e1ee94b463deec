import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, errorsByRow, startHarness, waitForValidation, writeDataset, type Harness, type SfErr } from './support.js';

/*
 * THE AGREEMENT TEST (issue 5): the same mixed file goes through the validation job and, as sObject
 * Collections writes, into the emulator; per row, the errors must be the same (status code, message,
 * fields). Two kinds of exceptions are listed, and the test fails when one disappears (so the lists
 * stay true): dry-run limits (the verdict needs the org's data: validation passes the row, the
 * emulator refuses it) and the emulator's departures from Salesforce.
 */
interface Exception { row: number; validation: string[]; emulator: string[]; why: string }

const ACCOUNT_LIMITS: Exception[] = [
  { row: 12, validation: [], emulator: ['INVALID_CROSS_REFERENCE_KEY'], why: 'a well-formed lookup id of no record' },
];
const CONTACT_LIMITS: Exception[] = [
  { row: 6, validation: [], emulator: ['INVALID_FIELD'], why: 'a parent external id that matches no Account' },
];

const ACCOUNT_COLUMNS = ['Name', 'External_Id__c', 'NumberOfEmployees', 'Discount__c', 'Customer_Priority__c', 'SLAExpirationDate__c', 'Active__c', 'ParentId', 'Phone'];
const ACCOUNT_ROWS = [
  ['Valid One', 'A-OK', '12', '12.5', 'High', '2025-01-31', 'true', '', '+1 555'], // 1 valid
  ['', 'A-2', '', '', '', '', '', '', ''], // 2 missing required Name
  ['Bad Number', 'A-3', 'abc', '', '', '', '', '', ''], // 3 not a number
  ['N'.repeat(256), 'A-4', '', '', '', '', '', '', ''], // 4 too long required field: reported once
  ['Bad Precision', 'A-5', '', '1234.5', '', '', '', '', ''], // 5 percent(5,2): 4 integer digits
  ['Bad Integer', 'A-6', '1.5', '', '', '', '', '', ''], // 6 int with decimals
  ['Bad Date', 'A-7', '', '', '', '2024-02-30', '', '', ''], // 7 impossible date
  ['Bad Picklist', 'A-8', '', '', 'Urgent', '', '', '', ''], // 8 restricted picklist
  ['Malformed Id', 'A-9', '', '', '', '', '', '001xx', ''], // 9 malformed id
  ['Bad Checksum', 'A-10', '', '', '', '', '', '001000000000001AAB', ''], // 10 wrong 18-char suffix
  ['Other Object Id', 'A-11', '', '', '', '', '', '003000000000001AAA', ''], // 11 a Contact id in an Account lookup
  ['Unknown Parent', 'A-12', '', '', '', '', '', '001000000000001AAA', ''], // 12 well-formed, no such record
  ['Bad Boolean', 'A-13', '', '', '', '', 'maybe', '', ''], // 13 not a boolean
  ['Duplicate Ext', 'A-OK', '', '', '', '', '', '', ''], // 14 external id of row 1: DUPLICATE_VALUE
  ['Valid Two', 'A-15', '1000', '0.125', 'Low', '2030-12-01', '0', '', ''], // 15 valid (0.125 rounds to scale 2)
  ['Bad Date Too', 'A-3', '', '', '', 'soon', '', '', ''], // 16 refused before uniqueness: row 3's key was never taken either
  ['Key Free', 'A-3', '', '', '', '', '', '', ''], // 17 valid: rows 3 and 16 stored nothing
];

const CONTACT_COLUMNS = ['LastName', 'Email', 'Level__c', 'Birthdate', 'External_Id__c', 'Account.External_Id__c'];
const CONTACT_ROWS = [
  ['Valid', 'v@example.com', 'Primary', '1990-05-06', 'C-1', 'A-OK'], // 1 valid, parent by external id
  ['Bad Email', 'not-an-email', '', '', 'C-2', ''], // 2
  ['', 'x@example.com', '', '', 'C-3', ''], // 3 missing required
  ['Bad Level', '', 'primary', '', 'C-4', ''], // 4 picklist values are case-sensitive
  ['Bad Birthdate', '', '', '06/05/1990', 'C-5', ''], // 5
  ['No Parent', '', '', '', 'C-6', 'A-NONE'], // 6 parent external id not found
  ['Dup', '', '', '', 'c-1', ''], // 7 external id of row 1, other case (the field is not caseSensitive)
  ['L'.repeat(81), '', '', '', 'C-8', ''], // 8 too long required field: reported once
  ['', 'bad@', '', '', 'C-9', ''], // 9 a rejected value hides the missing required field
];

/** CSV rules: an empty cell sets nothing; a relationship column becomes a nested parent key. */
function toRecords(columns: string[], rows: string[][]): Record<string, unknown>[] {
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    columns.forEach((column, c) => {
      if (row[c] === '') return;
      const [rel, key] = column.split('.');
      record[rel] = key ? { [key]: row[c] } : row[c];
    });
    return record;
  });
}

/** Per failed row (1-based), the emulator's errors. */
function failures(results: unknown[]): Map<number, SfErr[]> {
  const out = new Map<number, SfErr[]>();
  results.forEach((r, i) => {
    const result = r as { success: boolean; errors: SfErr[] };
    if (!result.success) out.set(i + 1, result.errors.map(({ statusCode, message, fields }) => ({ statusCode, message, fields })));
  });
  return out;
}

const codes = (errors: SfErr[] | undefined): string[] => (errors ?? []).map((e) => e.statusCode).sort();

/**
 * The row's errors on both sides are the same, except the exceptions listed. DUPLICATE_VALUE is
 * compared by code and fields only: Salesforce names the record holding the value, a dry run the row.
 */
function assertAgreement(ours: Map<number, SfErr[]>, theirs: Map<number, SfErr[]>, rowCount: number, exceptions: Exception[]): void {
  const found: Exception[] = [];
  for (let row = 1; row <= rowCount; row++) {
    const a = ours.get(row) ?? [];
    const b = theirs.get(row) ?? [];
    const exception = exceptions.find((e) => e.row === row);
    if (exception) {
      found.push({ row, validation: codes(a), emulator: codes(b), why: exception.why });
      continue;
    }
    const comparable = (errors: SfErr[]) => errors.map((e) => (e.statusCode === 'DUPLICATE_VALUE' ? { ...e, message: '(a row or a record)' } : e));
    assert.deepEqual(comparable(a), comparable(b), `row ${row}`);
    for (const e of a.filter((x) => x.statusCode === 'DUPLICATE_VALUE')) {
      assert.match(e.message, /^duplicate value found: \w+ duplicates value on (row \d+|an earlier row) of this file$/);
    }
    for (const e of b.filter((x) => x.statusCode === 'DUPLICATE_VALUE')) {
      assert.match(e.message, /^duplicate value found: \w+ duplicates value on record with id: \w{18}$/);
    }
  }
  assert.deepEqual(found, [...exceptions].sort((x, y) => x.row - y.row));
}

describe('validation agrees with the emulator on the same rows', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workers: true });
  });
  after(() => h.close());

  async function validate(object: string, columns: string[], rows: string[][], target: { operation: string; externalIdField?: string }): Promise<Map<number, SfErr[]>> {
    const datasetId = await writeDataset(h.services, columns, rows, 4);
    const mapping = {
      object,
      fields: columns.filter((c) => !c.includes('.')).map((c) => ({ column: c, field: c })),
      relationships: columns.filter((c) => c.includes('.')).map((c) => ({ column: c, field: 'AccountId', relationshipName: 'Account', externalIdField: c.split('.')[1] })),
    };
    const res = await h.post('/api/v1/validations', { datasetId, object, mapping, ...target }).expect(202);
    assert.equal((await waitForValidation(h, res.body.id)).status, 'done');
    const csv = await h.get(`/api/v1/validations/${res.body.id}/invalid-rows.csv`).expect(200);
    return errorsByRow(csv.text);
  }

  async function compareInsert(object: string, columns: string[], rows: string[][], limits: Exception[]): Promise<Map<number, SfErr[]>> {
    const ours = await validate(object, columns, rows, { operation: 'insert' });
    const conn = await connect(h.emulatorUrl);
    const theirs = failures(await conn.sobject(object).create(toRecords(columns, rows) as never[], { allOrNone: false }));
    assertAgreement(ours, theirs, rows.length, limits);
    return ours;
  }

  test('Account: required, types, length, precision, dates, picklist, ids, booleans, duplicates', async () => {
    const ours = await compareInsert('Account', ACCOUNT_COLUMNS, ACCOUNT_ROWS, ACCOUNT_LIMITS);
    assert.deepEqual(codes(ours.get(4)), ['STRING_TOO_LONG']);
    assert.deepEqual(codes(ours.get(14)), ['DUPLICATE_VALUE']);
    assert.equal(ours.has(17), false);
    assert.equal(ours.size, ACCOUNT_ROWS.length - 3 - ACCOUNT_LIMITS.length);
  });

  test('Contact: email, required, picklist case, dates, parent by external id, duplicates, length', async () => {
    const ours = await compareInsert('Contact', CONTACT_COLUMNS, CONTACT_ROWS, CONTACT_LIMITS);
    assert.deepEqual(codes(ours.get(7)), ['DUPLICATE_VALUE']);
    assert.deepEqual(codes(ours.get(8)), ['STRING_TOO_LONG']);
    assert.deepEqual(codes(ours.get(9)), ['INVALID_EMAIL_ADDRESS']);
    assert.equal(ours.size, CONTACT_ROWS.length - 1 - CONTACT_LIMITS.length);
  });

  test('upsert: a key repeated within one file', async () => {
    const columns = ['Name', 'External_Id__c'];
    const rows = [['First', 'U-1'], ['Other', 'U-2'], ['Again', 'u-1']];
    const ours = await validate('Account', columns, rows, { operation: 'upsert', externalIdField: 'External_Id__c' });
    const conn = await connect(h.emulatorUrl);
    const results = await conn.sobject('Account').upsert(toRecords(columns, rows) as never[], 'External_Id__c', { allOrNone: false });
    // Salesforce refuses a key repeated within one request as DUPLICATE_EXTERNAL_ID; both sides say so.
    assertAgreement(ours, failures(results), rows.length, []);
    assert.deepEqual(ours.get(3), [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: u-1', fields: ['External_Id__c'] }]);
    assert.deepEqual(results.map((r) => r.success), [true, true, false]);
  });
});
