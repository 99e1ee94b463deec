import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { recordValidator, validateRecord as validate, type RecordError } from '../../../src/validation/index.js';
import { ACCOUNT, CONTACT, PREFIXES } from '../mapping/describe-fixtures.js';

/** The verdicts in Salesforce's shape (their catalogue keys are held to the locales by row-messages.test.ts). */
const salesforceShape = ({ statusCode, message, fields }: RecordError) => ({ statusCode, message, fields });
const validateRecord = (...args: Parameters<typeof validate>) => validate(...args).map(salesforceShape);
const codes = (errors: ReturnType<typeof validateRecord>) => errors.map((e) => e.statusCode);

describe('validateRecord: insert', () => {
  test('a good record has no errors; empty values are not set', () => {
    assert.deepEqual(validateRecord({ Name: 'Acme', Phone: '', Website: 'not a url', Founded__c: null }, ACCOUNT, 'insert'), []);
  });

  test('REQUIRED_FIELD_MISSING lists every missing field, only when no value was rejected (the first failing stage)', () => {
    assert.deepEqual(validateRecord({ FirstName: 'Ada' }, CONTACT, 'insert'), [
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] },
    ]);
    assert.deepEqual(validateRecord({ FirstName: 'Ada', Email: 'bad' }, CONTACT, 'insert'), [
      { statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: bad', fields: ['Email'] },
    ]);
    assert.deepEqual(codes(validateRecord({ Name: '#N/A' }, ACCOUNT, 'insert')), ['REQUIRED_FIELD_MISSING']);
    // A rejected value in a required field is reported once, not also as missing.
    assert.deepEqual(codes(validateRecord({ Name: 'N'.repeat(256) }, ACCOUNT, 'insert')), ['STRING_TOO_LONG']);
  });

  test('STRING_TOO_LONG counts characters, with the label and the max length', () => {
    const value = 'é'.repeat(41);
    assert.deepEqual(validateRecord({ Name: 'A', AccountNumber: value }, ACCOUNT, 'insert'), [
      { statusCode: 'STRING_TOO_LONG', message: `Account Number: data value too large: ${value} (max length=40)`, fields: ['AccountNumber'] },
    ]);
    assert.deepEqual(validateRecord({ Name: 'A', AccountNumber: 'é'.repeat(40) }, ACCOUNT, 'insert'), []);
  });

  test('numbers: type, integer digits, precision and scale (extra decimals round)', () => {
    const check = (field: string, value: unknown) => validateRecord({ Name: 'A', [field]: value as string }, ACCOUNT, 'insert');
    assert.deepEqual(check('NumberOfEmployees', '12.5'), [
      { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: 'Employees: value not of required type: 12.5', fields: ['NumberOfEmployees'] },
    ]);
    assert.deepEqual(codes(check('NumberOfEmployees', '99999999')), []);
    assert.deepEqual(check('NumberOfEmployees', 100000000), [
      { statusCode: 'NUMBER_OUTSIDE_VALID_RANGE', message: 'Employees: value outside of valid range on numeric field: 100000000', fields: ['NumberOfEmployees'] },
    ]);
    assert.deepEqual(codes(check('Rating__c', '999.994')), []);
    assert.deepEqual(codes(check('Rating__c', '999.996')), ['NUMBER_OUTSIDE_VALID_RANGE']);
    assert.deepEqual(codes(check('AnnualRevenue', '1,000')), ['INVALID_TYPE_ON_FIELD_IN_RECORD']);
    assert.deepEqual(codes(check('AnnualRevenue', ' -1e3 ')), []);
  });

  test('dates, datetimes and booleans in the forms Salesforce accepts', () => {
    const check = (record: Record<string, string | boolean | Date>) => codes(validateRecord({ Name: 'A', ...record }, ACCOUNT, 'insert'));
    assert.deepEqual(check({ Founded__c: '2024-02-29', LastAudit__c: '2024-02-29T10:00:00.000+0000', Active__c: 'yes' }), []);
    assert.deepEqual(check({ Founded__c: '2024-02-29T23:00:00Z', LastAudit__c: new Date(Date.UTC(2024, 0, 1)) }), []);
    assert.deepEqual(check({ Founded__c: '2023-02-29' }), ['INVALID_TYPE_ON_FIELD_IN_RECORD']);
    assert.deepEqual(check({ Founded__c: '01/02/2024' }), ['INVALID_TYPE_ON_FIELD_IN_RECORD']);
    assert.deepEqual(check({ LastAudit__c: '2024-01-01 25:00' }), ['INVALID_TYPE_ON_FIELD_IN_RECORD']);
    assert.deepEqual(check({ Active__c: 'oui' }), ['INVALID_TYPE_ON_FIELD_IN_RECORD']);
    assert.deepEqual(check({ Active__c: false }), []);
  });

  test('restricted picklists: only active values, exact case; multipicklist values each', () => {
    const err = validateRecord({ Name: 'A', Industry: 'banking' }, ACCOUNT, 'insert');
    assert.deepEqual(err, [{
      statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Industry: bad value for restricted picklist field: banking', fields: ['Industry'],
    }]);
    assert.deepEqual(codes(validateRecord({ Name: 'A', Industry: 'Retired' }, ACCOUNT, 'insert')), ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST']);
    assert.deepEqual(codes(validateRecord({ Name: 'A', Type: 'Anything' }, ACCOUNT, 'insert')), []);
    assert.equal(validateRecord({ Name: 'A', Regions__c: 'EMEA;LATAM' }, ACCOUNT, 'insert')[0].message, 'Regions: bad value for restricted picklist field: LATAM');
  });

  test('MALFORMED_ID: id format, suffix (case map) and, with key prefixes, the target object', () => {
    assert.deepEqual(codes(validateRecord({ Name: 'A', ParentId: '001000000000001' }, ACCOUNT, 'insert')), []);
    assert.deepEqual(codes(validateRecord({ Name: 'A', ParentId: '001A0000006Vm9rIAC' }, ACCOUNT, 'insert')), []);
    assert.deepEqual(validateRecord({ Name: 'A', ParentId: '001000000000001BAA' }, ACCOUNT, 'insert'), [
      { statusCode: 'MALFORMED_ID', message: 'Parent Account ID: id value of incorrect type: 001000000000001BAA', fields: ['ParentId'] },
    ]);
    assert.deepEqual(codes(validateRecord({ Name: 'A', ParentId: 'abc' }, ACCOUNT, 'insert')), ['MALFORMED_ID']);
    assert.deepEqual(validateRecord({ Name: 'A', ParentId: '003000000000001' }, ACCOUNT, 'insert', { keyPrefixes: PREFIXES }), [
      { statusCode: 'MALFORMED_ID', message: 'Parent Account ID: id value of incorrect type: 003000000000001AAA', fields: ['ParentId'] },
    ]);
    assert.deepEqual(codes(validateRecord({ Name: 'A', ParentId: 'a0X000000000001' }, ACCOUNT, 'insert', { keyPrefixes: PREFIXES })), ['MALFORMED_ID']);
  });

  test('unknown fields and bad relationship columns fail the record alone; read-only fields are not writable', () => {
    assert.deepEqual(validateRecord({ Nope__c: 'x', Email: 'bad' }, CONTACT, 'insert'), [
      { statusCode: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Contact", fields: [] },
    ]);
    assert.deepEqual(codes(validateRecord({ LastName: 'D', 'Account.External_Id__c': 'A-1' }, CONTACT, 'insert', { parents: { Account: ACCOUNT } })), []);
    assert.deepEqual(validateRecord({ LastName: 'D', 'Account.Phone': '1' }, CONTACT, 'insert', { parents: { Account: ACCOUNT } }), [
      { statusCode: 'INVALID_FIELD', message: 'Field name provided, Phone is not an External ID or indexed field for Account', fields: [] },
    ]);
    assert.deepEqual(codes(validateRecord({ LastName: 'D', 'Acct.X': '1' }, CONTACT, 'insert')), ['INVALID_FIELD']);
    assert.deepEqual(validateRecord({ LastName: 'D', Name: 'x' }, CONTACT, 'insert'), [{
      statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: 'Unable to create/update fields: Name. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
      fields: ['Name'],
    }]);
  });
});

describe('validateRecord: update, upsert, delete', () => {
  test('update needs a well-formed Id of this object; nothing is required; #N/A on a required field is', () => {
    assert.deepEqual(validateRecord({ Phone: '1' }, ACCOUNT, 'update'), [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }]);
    assert.deepEqual(validateRecord({ Id: '003000000000001', Phone: '1' }, ACCOUNT, 'update'), [
      { statusCode: 'MALFORMED_ID', message: 'Record ID: id value of incorrect type: 003000000000001', fields: ['Id'] },
    ]);
    assert.deepEqual(validateRecord({ Id: '001000000000001', Phone: '1' }, ACCOUNT, 'update'), []);
    assert.deepEqual(validateRecord({ Id: '001000000000001', Name: '#N/A', Phone: '#N/A' }, ACCOUNT, 'update'), [
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] },
    ]);
  });

  test('upsert needs its key; on an external id it checks like an insert', () => {
    const opts = { externalIdField: 'External_Id__c' };
    assert.deepEqual(validateRecord({ Name: 'A' }, ACCOUNT, 'upsert', opts), [
      { statusCode: 'MISSING_ARGUMENT', message: 'External_Id__c not specified', fields: ['External_Id__c'] },
    ]);
    assert.deepEqual(codes(validateRecord({ External_Id__c: 'X1' }, ACCOUNT, 'upsert', opts)), ['REQUIRED_FIELD_MISSING']);
    assert.deepEqual(codes(validateRecord({ Id: '001000000000001', Phone: '1' }, ACCOUNT, 'upsert')), []);
    assert.deepEqual(codes(validateRecord({ Phone: '1' }, ACCOUNT, 'upsert')), ['REQUIRED_FIELD_MISSING']);
  });

  test('delete and hardDelete check the Id only', () => {
    assert.deepEqual(validateRecord({ Id: '001000000000001AAA' }, ACCOUNT, 'delete'), []);
    assert.deepEqual(validateRecord({ Id: 'bad' }, ACCOUNT, 'hardDelete'), [{ statusCode: 'MALFORMED_ID', message: 'malformed id bad', fields: [] }]);
    assert.deepEqual(validateRecord({ Id: '003000000000001' }, ACCOUNT, 'delete')[0].message, 'malformed id 003000000000001');
  });
});

describe('recordValidator: one validator for many records', () => {
  test('each record gets what validateRecord says of it alone, whatever records came before', () => {
    const records: Record<string, string | number>[] = [
      { Name: 'Acme', NumberOfEmployees: 12 },
      { Name: 'Acme', Nope__c: 'x' },
      { Name: 'Acme', Nope__c: 'y', AnnualRevenue: 'lots' },
      { Phone: '1', Industry: 'Retired' },
      { name: 'lower case keys', phone: '2' },
      { Name: 'B', 'Parent.External_Id__c': 'P-1' },
      { Name: 'Acme', NumberOfEmployees: 12 },
    ];
    const validate = recordValidator(ACCOUNT, 'insert', { parents: { Account: ACCOUNT } });
    const errors = records.map((record) => validate(record));
    assert.deepEqual(errors.map((e) => e.map(salesforceShape)), records.map((record) => validateRecord(record, ACCOUNT, 'insert', { parents: { Account: ACCOUNT } })));
    assert.deepEqual(errors.map((e) => codes(e)), [[], ['INVALID_FIELD'], ['INVALID_FIELD'], ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'], [], [], []]);
    // A caller adds to a record's errors (duplicates): the next record's verdict for the same unknown key is its own.
    errors[1].push({ ...errors[1][0], statusCode: 'DUPLICATE_VALUE' });
    assert.deepEqual(codes(validate({ Nope__c: 'z' }).map(salesforceShape)), ['INVALID_FIELD']);
  });

  test('records of several key lists, in turns, each get their own verdict', () => {
    const shapes: Record<string, string>[] = [
      { Name: 'Acme', AnnualRevenue: 'lots' }, { Phone: '1' }, { Name: 'Acme', Phone: '1'.repeat(41) },
      { 'Nope__c\u0000Name': 'x' }, { Nope__c: 'x', Name: 'y' }, { Name: '#N/A', Website: '#N/A' }, { attributes: 'x', Name: 'A' },
    ];
    const validate = recordValidator(ACCOUNT, 'insert');
    for (let round = 0; round < 3; round++) {
      for (const record of shapes) assert.deepEqual(validate(record).map(salesforceShape), validateRecord(record, ACCOUNT, 'insert'));
    }
  });

  test('records given as values in key order (one array reused) get the verdict their records get, for every operation', () => {
    const keys = ['Id', 'Name', 'AnnualRevenue', 'Phone', 'External_Id__c', 'Parent.External_Id__c', 'attributes'];
    const rows: (string | number | null | Date)[][] = [
      ['', 'Acme', 12, '1', 'E-1', '', 'x'],
      ['001000000000001', '', 'lots', '1'.repeat(41), '', 'P-1', 'x'],
      ['003000000000001', '#N/A', null, '', 'E-2', '', 'x'],
      ['001000000000002', 'B', new Date('2026-12-08T00:00:00Z'), '', '', '', 'x'],
      ['', '', '', '', '', '', ''],
    ];
    for (const operation of ['insert', 'update', 'upsert', 'delete'] as const) {
      const options = { parents: { Account: ACCOUNT }, externalIdField: 'External_Id__c', keyPrefixes: PREFIXES };
      const validate = recordValidator(ACCOUNT, operation, options);
      const byValues = validate.forKeys(keys);
      const values: (string | number | null | Date)[] = [];
      for (const row of rows) {
        values.length = 0;
        values.push(...row);
        const record = Object.fromEntries(keys.map((k, i) => [k, row[i]]));
        assert.deepEqual(byValues(values).map(salesforceShape), validateRecord(record, ACCOUNT, operation, options), `${operation} ${JSON.stringify(row)}`);
        assert.deepEqual(byValues(values, { all: true }), validate(record, { all: true }));
      }
    }
  });

  test('an update validator finds the Id key in any case, record after record', () => {
    const validate = recordValidator(ACCOUNT, 'update');
    assert.deepEqual(codes(validate({ id: '001000000000001', Phone: '1' }).map(salesforceShape)), []);
    assert.deepEqual(codes(validate({ Phone: '1' }).map(salesforceShape)), ['MISSING_ARGUMENT']);
    assert.deepEqual(codes(validate({ ID: '003000000000001' }).map(salesforceShape)), ['MALFORMED_ID']);
  });
});
