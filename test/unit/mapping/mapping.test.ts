import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkMapping, compileRecordBuilder, Mapping, mappingFromSuggestions, normalise, requiredFieldsUnmapped, similarity, suggestMapping,
} from '../../../src/mapping/index.js';
import { frameFromRows } from '../../../src/frame/index.js';
import { ACCOUNT, CONTACT } from './describe-fixtures.js';

const byColumn = (s: ReturnType<typeof suggestMapping>) => Object.fromEntries(s.map((x) => [x.column, [x.field, x.score]]));

describe('suggestMapping', () => {
  test('API name, label, normalised name, synonyms and similarity, each scored and explained', () => {
    const suggestions = suggestMapping(
      ['lastname', 'First Name', 'E-Mail', 'mobile', 'ZIP', 'birth_date', 'Legacy Idd', 'Colour'], CONTACT,
    );
    assert.deepEqual(byColumn(suggestions), {
      lastname: ['LastName', 1], 'First Name': ['FirstName', 0.95], 'E-Mail': ['Email', 0.9], mobile: ['MobilePhone', 0.8],
      ZIP: ['MailingPostalCode', 0.79], birth_date: ['Birthdate', 0.9], 'Legacy Idd': ['Legacy_Id__c', 0.7],
    });
    assert.match(suggestions.find((s) => s.column === 'mobile')?.reason ?? '', /common name for MobilePhone/);
  });

  test('company goes to a writable Name (Account), never to a read-only one (Contact)', () => {
    assert.deepEqual(byColumn(suggestMapping(['Company'], ACCOUNT)), { Company: ['Name', 0.79] });
    assert.deepEqual(suggestMapping(['Company'], CONTACT), []);
  });

  test('each field is used once, the best-scoring column wins', () => {
    const s = suggestMapping(['Mail', 'Email'], CONTACT);
    assert.deepEqual(byColumn(s), { Email: ['Email', 1] });
  });

  test('relationship columns by relationship name; the parent field is checked when its describe is known', () => {
    const [s] = suggestMapping(['Account.External_Id__c'], CONTACT);
    assert.deepEqual(s.relationship, { relationshipName: 'Account', externalIdField: 'External_Id__c' });
    assert.equal(s.field, 'AccountId');
    assert.deepEqual(suggestMapping(['account.external_id__c'], CONTACT, { Account: ACCOUNT })[0].relationship?.externalIdField, 'External_Id__c');
    assert.deepEqual(suggestMapping(['Account.Phone'], CONTACT, { Account: ACCOUNT }), []);
    assert.deepEqual(suggestMapping(['Nope.External_Id__c'], CONTACT), []);
  });

  test('normalise and similarity', () => {
    assert.equal(normalise('Prénom__c'), 'prenom');
    assert.equal(normalise('E-Mail Address'), 'emailaddress');
    assert.equal(similarity('abc', 'abc'), 1);
    assert.equal(similarity('a', 'b'), 0);
    assert.ok(similarity('accountnumber', 'acountnumber') > 0.8);
  });

  test('mappingFromSuggestions keeps the confident ones and splits relationships out', () => {
    const mapping = mappingFromSuggestions('Contact', suggestMapping(['LastName', 'Account.External_Id__c', 'Legacy Idd'], CONTACT), 0.75);
    assert.deepEqual(Mapping.parse(mapping), {
      object: 'Contact',
      fields: [{ column: 'LastName', field: 'LastName' }],
      relationships: [{ column: 'Account.External_Id__c', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }],
      constants: [],
    });
  });
});

describe('requiredFieldsUnmapped and checkMapping', () => {
  const mapping = Mapping.parse({ object: 'Contact', fields: [{ column: 'first', field: 'FirstName' }] });

  test('insert flags required fields; booleans and defaulted fields never count', () => {
    assert.deepEqual(requiredFieldsUnmapped(mapping, CONTACT, 'insert').map((r) => r.field), ['LastName']);
    assert.deepEqual(requiredFieldsUnmapped(Mapping.parse({ object: 'Account' }), ACCOUNT, 'insert').map((r) => r.field), ['Name']);
    const withConstant = Mapping.parse({ object: 'Contact', constants: [{ field: 'LastName', value: 'Unknown' }] });
    assert.deepEqual(requiredFieldsUnmapped(withConstant, CONTACT, 'insert'), []);
  });

  test('update and delete need Id; upsert needs its key and the insert requirements', () => {
    assert.deepEqual(requiredFieldsUnmapped(mapping, CONTACT, 'update').map((r) => r.field), ['Id']);
    assert.deepEqual(requiredFieldsUnmapped(mapping, CONTACT, 'hardDelete').map((r) => r.field), ['Id']);
    assert.deepEqual(requiredFieldsUnmapped(mapping, CONTACT, 'upsert', 'Legacy_Id__c').map((r) => r.field), ['Legacy_Id__c', 'LastName']);
  });

  test('checkMapping reports unknown, read-only, twice-mapped and non-lookup entries', () => {
    const problems = checkMapping(Mapping.parse({
      object: 'Contact',
      fields: [{ column: 'a', field: 'Nope' }, { column: 'b', field: 'Name' }, { column: 'c', field: 'email' }, { column: 'd', field: 'Email' }],
      relationships: [{ column: 'e', field: 'LastName', relationshipName: 'Account', externalIdField: 'X__c' }],
    }), CONTACT);
    assert.deepEqual(problems.map((p) => p.entry), ['column a', 'column b', 'column d', 'column e']);
    assert.match(problems[1].message, /read-only/);
  });

  test('compileRecordBuilder writes fields, relationship keys and constants; a missing column is an error', () => {
    const m = Mapping.parse({
      object: 'Contact', fields: [{ column: 'last', field: 'LastName' }],
      relationships: [{ column: 'acct', field: 'AccountId', relationshipName: 'Account', externalIdField: 'External_Id__c' }],
      constants: [{ field: 'FirstName', value: 'X' }],
    });
    const frame = frameFromRows(['last', 'acct'], [['Doe', 'A-1']]);
    assert.deepEqual(compileRecordBuilder(m, frame.columns)(frame, 0), { LastName: 'Doe', 'Account.External_Id__c': 'A-1', FirstName: 'X' });
    assert.throws(() => compileRecordBuilder(m, ['last']), /column 'acct'/);
  });

  test('compileRecordBuilder names the keys of its records in their order, a constant over a field once', () => {
    const m = Mapping.parse({
      object: 'Contact', fields: [{ column: 'last', field: 'LastName' }, { column: 'first', field: 'FirstName' }],
      constants: [{ field: 'Title', value: 'Dr' }, { field: 'FirstName', value: 'X' }],
    });
    const frame = frameFromRows(['first', 'last'], [['Ada', 'Lovelace']]);
    const build = compileRecordBuilder(m, frame.columns);
    assert.deepEqual(build.keys, Object.keys(build(frame, 0)));
    assert.deepEqual(build.keys, ['LastName', 'FirstName', 'Title']);
  });
});
