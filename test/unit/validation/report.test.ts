import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyPipeline, frameFromRows, InMemorySeenKeys } from '../../../src/frame/index.js';
import { Mapping, fieldByName } from '../../../src/mapping/index.js';
import {
  DuplicateTracker, ValidationReport, ValidationReportBuilder, invalidRowCsvLine, invalidRowsCsvHeader, validateFrame,
  type InvalidRow, type RecordError,
} from '../../../src/validation/index.js';
import { ACCOUNT } from '../mapping/describe-fixtures.js';

/** A verdict in Salesforce's shape, without the catalogue key DMS keeps beside its English text. */
const shape = (error: RecordError | null | undefined) => (error ? { statusCode: error.statusCode, message: error.message, fields: error.fields } : error);

const externalId = fieldByName(ACCOUNT, 'External_Id__c');

describe('DuplicateTracker', () => {
  test('later rows with the same unique value (any case) get DUPLICATE_VALUE, across chunks; empties never do', async () => {
    assert.ok(externalId);
    const tracker = new DuplicateTracker(externalId, new InMemorySeenKeys());
    const first = await tracker.check(['A1', 'a1', null, '', 'B2'], [1, 2, 3, 4, 5]);
    assert.deepEqual(first.map((e) => e?.statusCode ?? null), [null, 'DUPLICATE_VALUE', null, null, null]);
    // Salesforce's shape (reference 5.4, fields []), with the first row of the file instead of a record id.
    assert.deepEqual(shape(first[1]), { statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: External_Id__c duplicates value on row 1 of this file', fields: [] });
    const second = await tracker.check(['b2', 'C3'], [6, 7]);
    assert.deepEqual(shape(second[0]), { statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: External_Id__c duplicates value on an earlier row of this file', fields: [] });
    assert.equal(second[1], null);
    const retried = await tracker.check(['A1', 'a1'], [1, 2]);
    assert.deepEqual(retried.map((e) => e?.statusCode ?? null), [null, 'DUPLICATE_VALUE']);
  });

  test('the upsert key repeated gets DUPLICATE_EXTERNAL_ID, as Bulk reports it', async () => {
    assert.ok(externalId);
    const tracker = new DuplicateTracker(externalId, new InMemorySeenKeys());
    const verdicts = await tracker.check(['K1', 'k1'], [1, 2], true);
    assert.deepEqual(verdicts.map(shape), [null, { statusCode: 'DUPLICATE_EXTERNAL_ID', message: 'Duplicate external id specified: k1', fields: ['External_Id__c'] }]);
  });
});

describe('validateFrame and the report', () => {
  test('pipeline output through mapping and validation into a report with counts, examples and invalid rows', async () => {
    const frame = frameFromRows(['name', 'ext', 'employees', 'industry'], [
      ['Acme', 'X1', '10', 'Banking'],
      ['', 'X2', 'ten', 'Banking'],
      ['Globex', 'x1', '5', 'Oil'],
      ['Initech', 'X3', '7', null],
      ['Hooli', 'x1', '3', 'Banking'],
      ['Umbrella', 'X4', '1', 'Energy'],
    ]);
    const piped = await applyPipeline(frame, [
      { op: 'cast', columns: ['employees'], to: 'integer' },
      { op: 'filter', expression: "name != 'Umbrella'" },
    ]);
    const mapping = Mapping.parse({
      object: 'Account',
      fields: [{ column: 'name', field: 'Name' }, { column: 'ext', field: 'External_Id__c' }, { column: 'employees', field: 'NumberOfEmployees' }, { column: 'industry', field: 'Industry' }],
    });
    const invalid: InvalidRow[] = [];
    const report = new ValidationReportBuilder({ examplesPer: 1, onInvalidRow: (row) => invalid.push(row) });
    report.addSkipped(piped.skipped);
    assert.ok(externalId);
    const { errors } = await validateFrame(piped.frame, {
      mapping, describe: ACCOUNT, operation: 'upsert', rowIssues: piped.rowIssues, options: { externalIdField: 'External_Id__c' },
      duplicates: [new DuplicateTracker(externalId, new InMemorySeenKeys())], report,
    });
    // Row 2's cast issue on a mapped column is its verdict (its missing Name is never reached, as in a run).
    // Row 3 is refused for its picklist value, so it neither gets nor takes the key: row 5 duplicates row 1.
    assert.deepEqual(errors.map((e) => e.map((x) => x.statusCode)), [
      [], ['CAST_NOT_A_NUMBER'], ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'], [], ['DUPLICATE_EXTERNAL_ID'],
    ]);
    assert.deepEqual(errors[1].map(shape), [{ statusCode: 'CAST_NOT_A_NUMBER', message: "employees: 'ten' is not an integer", fields: ['employees'] }]);
    const built = ValidationReport.parse(report.build());
    assert.equal(built.rows, 6);
    assert.deepEqual([built.valid, built.invalid, built.skipped], [2, 3, 1]);
    assert.deepEqual(built.byStatusCode, { CAST_NOT_A_NUMBER: 1, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 1, DUPLICATE_EXTERNAL_ID: 1 });
    assert.deepEqual(built.byField, { employees: 1, Industry: 1, External_Id__c: 1 });
    assert.deepEqual(built.pipelineIssues.byCode, { CAST_NOT_A_NUMBER: 1 });
    assert.equal(built.pipelineIssues.remarks, 0);
    assert.equal(built.examples.length, 3);
    assert.deepEqual(invalid.map((r) => r.row), [2, 3, 5]);
    const keys = Object.keys(invalid[0].record);
    assert.equal(invalidRowsCsvHeader(keys), 'row,Name,External_Id__c,NumberOfEmployees,Industry,errors,otherErrors\r\n');
    assert.equal(invalidRowCsvLine(keys, invalid[1]), '3,Globex,x1,5,Oil,INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Industry: bad value for restricted picklist field: Oil:Industry,\r\n');
    assert.equal(invalidRowCsvLine(keys, invalid[2]), '5,Hooli,x1,3,Banking,DUPLICATE_EXTERNAL_ID:Duplicate external id specified: x1:External_Id__c,\r\n');
  });

  test('every problem of an invalid row is listed besides its verdict; counts stay the verdict\'s', async () => {
    const frame = frameFromRows(['name', 'employees', 'industry'], [
      ['', 'ten', 'Oil'],
      ['Acme', '10', 'Oil'],
      ['', '3', 'Banking'],
      ['Good', '1', 'Banking'],
    ]);
    const piped = await applyPipeline(frame, [{ op: 'cast', columns: ['employees'], to: 'integer' }]);
    const mapping = Mapping.parse({
      object: 'Account',
      fields: [{ column: 'name', field: 'Name' }, { column: 'employees', field: 'NumberOfEmployees' }, { column: 'industry', field: 'Industry' }],
    });
    const invalid: InvalidRow[] = [];
    const report = new ValidationReportBuilder({ onInvalidRow: (row) => invalid.push(row) });
    const { errors, also } = await validateFrame(piped.frame, { mapping, describe: ACCOUNT, operation: 'insert', rowIssues: piped.rowIssues, report });
    const codes = (lists: { statusCode: string }[][]) => lists.map((list) => list.map((e) => e.statusCode));
    // Row 1: the cast fails it; its bad picklist value and its missing Name are listed too (not its cast column again).
    assert.deepEqual(codes(errors), [['CAST_NOT_A_NUMBER'], ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'], ['REQUIRED_FIELD_MISSING'], []]);
    assert.deepEqual(codes(also), [['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'REQUIRED_FIELD_MISSING'], [], [], []]);
    assert.deepEqual(report.build().byStatusCode, { CAST_NOT_A_NUMBER: 1, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 1, REQUIRED_FIELD_MISSING: 1 });
    const line = invalidRowCsvLine(Object.keys(invalid[0].record), invalid[0]);
    assert.match(line, /^1,,,Oil,CAST_NOT_A_NUMBER:employees: 'ten' is not an integer:employees,INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:[^|]+:Industry \| REQUIRED_FIELD_MISSING:/);
  });

  test('on insert a repeated unique value is DUPLICATE_VALUE naming the first row; record-level in the report', async () => {
    assert.ok(externalId);
    const frame = frameFromRows(['name', 'ext'], [['A', 'E1'], ['B', 'E2'], ['C', 'e1']], 10);
    const mapping = Mapping.parse({ object: 'Account', fields: [{ column: 'name', field: 'Name' }, { column: 'ext', field: 'External_Id__c' }] });
    const report = new ValidationReportBuilder();
    const duplicates = [new DuplicateTracker(externalId, new InMemorySeenKeys())];
    const { errors } = await validateFrame(frame, { mapping, describe: ACCOUNT, operation: 'insert', rowIssues: [], duplicates, report });
    assert.deepEqual(errors.map((list) => list.map(shape)), [[], [], [{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: External_Id__c duplicates value on row 10 of this file', fields: [] }]]);
    assert.deepEqual(report.build().byField, { '(record)': 1 });
  });

  test('examples stay few and short enough for the validation document: 200 at most, messages cut to 300 characters', () => {
    const report = new ValidationReportBuilder({ examplesPer: 5 });
    const long = `data value too large: ${'v'.repeat(131_072)} (max length=255)`;
    for (let field = 0; field < 100; field++) {
      const error = { statusCode: 'STRING_TOO_LONG', message: long, fields: [`F${field}__c`] };
      for (let row = 1; row <= 5; row++) report.addRecord(row, {}, [error]);
    }
    report.addPipelineIssues([{ row: 1, column: 'c', code: 'CAST_NOT_A_NUMBER', message: long }], 0);
    const built = report.build();
    assert.equal(built.examples.length, 200);
    assert.equal(built.byStatusCode.STRING_TOO_LONG, 500);
    assert.ok(built.examples.every((e) => e.message.length === 301 && e.message.endsWith('…')));
    assert.equal(built.pipelineIssues.examples[0].message.length, 301);
  });

  test('the examples are capped per status code and field', () => {
    const report = new ValidationReportBuilder({ examplesPer: 2 });
    for (let row = 1; row <= 10; row++) {
      report.addRecord(row, {}, [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'm', fields: ['Name'] }]);
    }
    const built = report.build();
    assert.equal(built.examples.length, 2);
    assert.equal(built.byStatusCode.REQUIRED_FIELD_MISSING, 10);
  });
});
