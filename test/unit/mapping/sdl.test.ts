import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Mapping, mappingToSdl, sdlToMapping } from '../../../src/mapping/index.js';
import { CONTACT } from './describe-fixtures.js';

describe('Data Loader mapping files (.sdl)', () => {
  test('reads Data Loader\'s own file: comments, any case, escaped spaces, constants on several fields, lookups', () => {
    const sdl = [
      '#Mapping values', '#Mon Jan 01 10:00:00 UTC 2024',
      'LASTNAME=LastName', 'E\\-Mail=Email', 'Mobile\\ Phone=MobilePhone', 'SYSTEMMODSTAMP=',
      '"Web"=MailingPostalCode, MobilePhone', 'ACCOUNT_REF=Account\\:Legacy_Id__c', 'Ext=Account.Legacy_Id__c',
      'Missing=LastName', 'Birthday=Birthday__c',
    ].join('\r\n');
    const columns = ['LastName', 'E-Mail', 'Mobile Phone', 'Account_Ref', 'Ext', 'Birthday'];
    const { mapping, unknownColumns, unknownFields } = sdlToMapping(sdl, columns, CONTACT);
    assert.deepEqual(mapping.fields, [
      { column: 'LastName', field: 'LastName' }, { column: 'E-Mail', field: 'Email' }, { column: 'Mobile Phone', field: 'MobilePhone' },
    ]);
    assert.deepEqual(mapping.constants, [{ field: 'MailingPostalCode', value: 'Web' }, { field: 'MobilePhone', value: 'Web' }]);
    assert.deepEqual(mapping.relationships.map((r) => [r.column, r.field, r.relationshipName, r.externalIdField]), [
      ['Account_Ref', 'AccountId', 'Account', 'Legacy_Id__c'], ['Ext', 'AccountId', 'Account', 'Legacy_Id__c'],
    ]);
    assert.deepEqual(unknownColumns, ['Missing']);
    assert.deepEqual(unknownFields, ['Birthday__c']);
  });

  test('what DMS writes, DMS (and Data Loader) read back', () => {
    const mapping = Mapping.parse({
      object: 'Contact',
      fields: [{ column: 'Last Name', field: 'LastName' }, { column: 'a=b:c', field: 'Email' }],
      relationships: [{ column: 'Account ref', field: 'AccountId', relationshipName: 'Account', externalIdField: 'Legacy_Id__c' }],
      constants: [{ field: 'MobilePhone', value: '+1 555 0100' }],
    });
    const text = mappingToSdl(mapping, new Date(Date.UTC(2024, 0, 1)));
    assert.equal(text, [
      '#Mapping values', '#Mon, 01 Jan 2024 00:00:00 GMT', 'Last\\ Name=LastName', 'a\\=b\\:c=Email', 'Account\\ ref=Account.Legacy_Id__c',
      '"+1\\ 555\\ 0100"=MobilePhone', '',
    ].join('\n'));
    const back = sdlToMapping(text, ['Last Name', 'a=b:c', 'Account ref'], CONTACT);
    assert.deepEqual(back.mapping, mapping);
    assert.deepEqual([back.unknownColumns, back.unknownFields], [[], []]);
  });
});
