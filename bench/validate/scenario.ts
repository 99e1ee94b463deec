// The typical job of bench/validate: 6 pipeline steps and describe-based validation of a Contact upsert.
import { DescribeSObjectResult, Mapping } from '../../src/mapping/index.js';
import type { Pipeline } from '../../src/frame/index.js';

export const PIPELINE: Pipeline = [
  { op: 'trim', columns: ['first_name', 'last_name', 'email'] },
  { op: 'case', columns: ['last_name'], mode: 'title' },
  { op: 'cast', columns: ['amount'], to: 'number' },
  { op: 'cast', columns: ['quantity'], to: 'integer' },
  { op: 'cast', columns: ['signup_date'], to: 'date', format: 'YYYY-MM-DD' },
  { op: 'dedupe', keys: ['email'], caseInsensitive: true },
];

export const MAPPING = Mapping.parse({
  object: 'Contact',
  fields: [
    { column: 'id', field: 'Legacy_Id__c' }, { column: 'first_name', field: 'FirstName' }, { column: 'last_name', field: 'LastName' },
    { column: 'email', field: 'Email' }, { column: 'country', field: 'MailingCountry' }, { column: 'amount', field: 'Amount__c' },
    { column: 'quantity', field: 'Quantity__c' }, { column: 'signup_date', field: 'Signup__c' },
  ],
});

export const CONTACT = DescribeSObjectResult.parse({
  name: 'Contact', label: 'Contact', keyPrefix: '003',
  fields: [
    { name: 'Id', label: 'Contact ID', type: 'id', nillable: false, createable: false, updateable: false, defaultedOnCreate: true },
    { name: 'Legacy_Id__c', label: 'Legacy Id', type: 'string', length: 20, externalId: true, unique: true },
    { name: 'FirstName', label: 'First Name', type: 'string', length: 40 },
    { name: 'LastName', label: 'Last Name', type: 'string', length: 80, nillable: false },
    { name: 'Email', label: 'Email', type: 'email', length: 80 },
    { name: 'MailingCountry', label: 'Mailing Country', type: 'picklist', length: 80, restrictedPicklist: true,
      picklistValues: ['FR', 'DE', 'US', 'GB', 'JP', 'NG', 'BR', 'IN', 'ES', 'IT', 'NO'].map((value) => ({ value })) },
    { name: 'Amount__c', label: 'Amount', type: 'currency', precision: 5, scale: 2 },
    { name: 'Quantity__c', label: 'Quantity', type: 'int', digits: 2 },
    { name: 'Signup__c', label: 'Signup', type: 'date' },
  ],
});
