import { DescribeSObjectResult, type Field } from '../../../src/mapping/index.js';

type Spec = Partial<Field> & { name: string; type: string };
const f = (spec: Spec): Spec => ({ label: spec.name, ...spec });

/** A small Account describe, shaped like salesforce-api.md section 2.2. */
export const ACCOUNT = DescribeSObjectResult.parse({
  name: 'Account', label: 'Account', keyPrefix: '001',
  fields: [
    f({ name: 'Id', label: 'Account ID', type: 'id', length: 18, nillable: false, createable: false, updateable: false, defaultedOnCreate: true, idLookup: true }),
    f({ name: 'Name', label: 'Account Name', type: 'string', length: 255, nillable: false, nameField: true, idLookup: true }),
    f({ name: 'AccountNumber', label: 'Account Number', type: 'string', length: 40 }),
    f({ name: 'Website', type: 'url', length: 255 }),
    f({ name: 'Phone', label: 'Account Phone', type: 'phone', length: 40 }),
    f({ name: 'Industry', type: 'picklist', length: 255, restrictedPicklist: true, picklistValues: [
      { value: 'Banking', label: 'Banking', active: true, defaultValue: false },
      { value: 'Energy', label: 'Energy', active: true, defaultValue: false },
      { value: 'Retired', label: 'Retired', active: false, defaultValue: false },
    ] }),
    f({ name: 'Type', label: 'Account Type', type: 'picklist', length: 255, picklistValues: [{ value: 'Prospect', active: true, defaultValue: false }] }),
    f({ name: 'NumberOfEmployees', label: 'Employees', type: 'int', digits: 8 }),
    f({ name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 }),
    f({ name: 'Rating__c', label: 'Rating', type: 'percent', precision: 5, scale: 2, custom: true }),
    f({ name: 'Founded__c', label: 'Founded', type: 'date', custom: true }),
    f({ name: 'LastAudit__c', label: 'Last Audit', type: 'datetime', custom: true }),
    f({ name: 'Active__c', label: 'Active', type: 'boolean', nillable: false, defaultedOnCreate: true, custom: true }),
    f({ name: 'Regions__c', label: 'Regions', type: 'multipicklist', restrictedPicklist: true, custom: true, picklistValues: [
      { value: 'EMEA', active: true, defaultValue: false }, { value: 'APAC', active: true, defaultValue: false },
    ] }),
    f({ name: 'External_Id__c', label: 'External Id', type: 'string', length: 20, externalId: true, unique: true, custom: true }),
    f({ name: 'ParentId', label: 'Parent Account ID', type: 'reference', referenceTo: ['Account'], relationshipName: 'Parent', length: 18 }),
    f({ name: 'OwnerId', label: 'Owner ID', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaultedOnCreate: true, length: 18 }),
    f({ name: 'CreatedDate', label: 'Created Date', type: 'datetime', nillable: false, createable: false, updateable: false, defaultedOnCreate: true }),
  ],
});

export const CONTACT = DescribeSObjectResult.parse({
  name: 'Contact', label: 'Contact', keyPrefix: '003',
  fields: [
    f({ name: 'Id', label: 'Contact ID', type: 'id', nillable: false, createable: false, updateable: false, defaultedOnCreate: true, idLookup: true }),
    f({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
    f({ name: 'LastName', label: 'Last Name', type: 'string', length: 80, nillable: false }),
    f({ name: 'Name', label: 'Full Name', type: 'string', length: 121, createable: false, updateable: false, calculated: true }),
    f({ name: 'Email', type: 'email', length: 80, idLookup: true }),
    f({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40 }),
    f({ name: 'MailingPostalCode', label: 'Mailing Zip/Postal Code', type: 'string', length: 20 }),
    f({ name: 'Birthdate', type: 'date' }),
    f({ name: 'AccountId', label: 'Account ID', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account', length: 18 }),
    f({ name: 'Legacy_Id__c', label: 'Legacy Id', type: 'string', length: 30, externalId: true, custom: true }),
  ],
});

/** Key prefixes of the fixture org. */
export const PREFIXES: Record<string, string> = { '001': 'Account', '003': 'Contact', '005': 'User' };
