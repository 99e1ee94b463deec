import { field, systemFields } from './field.js';
import { ADDRESS_PICKLISTS as P, type ObjectSpec } from './object-spec.js';

export const OPPORTUNITY: ObjectSpec = {
  name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006', custom: false,
  fields: [
    ...systemFields(true),
    field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account', label: 'Account ID' }),
    field('Name', 'string', { length: 120, required: true, nameField: true, label: 'Opportunity Name' }),
    field('Description', 'textarea', { length: 32000 }),
    field('StageName', 'picklist', { picklist: ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'], required: true, restricted: true, label: 'Stage' }),
    field('Amount', 'currency', { precision: 18, scale: 2 }),
    field('Probability', 'percent', { precision: 3, scale: 0, label: 'Probability (%)' }),
    field('CloseDate', 'date', { required: true, label: 'Close Date' }),
    field('Type', 'picklist', { picklist: ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'], label: 'Opportunity Type' }),
    field('NextStep', 'string', { length: 255, label: 'Next Step' }),
    field('LeadSource', 'picklist', { picklist: P.leadSource, label: 'Lead Source' }),
    field('IsPrivate', 'boolean', { label: 'Private' }),
    field('ForecastCategoryName', 'picklist', { picklist: ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'], defaulted: true, label: 'Forecast Category' }),
    field('External_Id__c', 'string', { length: 80, externalId: true, unique: true, label: 'External Id' }),
  ],
};

export const CASE: ObjectSpec = {
  name: 'Case', label: 'Case', labelPlural: 'Cases', keyPrefix: '500', custom: false,
  fields: [
    ...systemFields(true),
    field('CaseNumber', 'string', { length: 30, autoNumber: true, nameField: true, idLookup: true, label: 'Case Number' }),
    field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account', label: 'Account ID' }),
    field('ContactId', 'reference', { referenceTo: ['Contact'], relationshipName: 'Contact', label: 'Contact ID' }),
    field('ParentId', 'reference', { referenceTo: ['Case'], relationshipName: 'Parent', label: 'Parent Case ID' }),
    field('SuppliedName', 'string', { length: 80, label: 'Web Name' }),
    field('SuppliedEmail', 'email', { length: 80, label: 'Web Email' }),
    field('SuppliedPhone', 'string', { length: 40, label: 'Web Phone' }),
    field('Type', 'picklist', { picklist: ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'], label: 'Case Type' }),
    field('Status', 'picklist', { picklist: ['New', 'Working', 'Escalated', 'Closed'], defaultPicklist: 'New', defaulted: true }),
    field('Reason', 'picklist', { picklist: ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'], label: 'Case Reason' }),
    field('Origin', 'picklist', { picklist: ['Phone', 'Email', 'Web'], label: 'Case Origin' }),
    field('Subject', 'string', { length: 255 }),
    field('Priority', 'picklist', { picklist: ['High', 'Medium', 'Low'], defaultPicklist: 'Medium', defaulted: true }),
    field('Description', 'textarea', { length: 32000 }),
    field('IsEscalated', 'boolean', { label: 'Escalated' }),
    field('ClosedDate', 'datetime', { readOnly: true, label: 'Closed Date' }),
  ],
};

export const USER: ObjectSpec = {
  name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', custom: false,
  fields: [
    ...systemFields(false),
    field('Username', 'string', { length: 80, required: true, unique: true, idLookup: true }),
    field('LastName', 'string', { length: 80, required: true, label: 'Last Name' }),
    field('FirstName', 'string', { length: 40, label: 'First Name' }),
    field('Name', 'string', { length: 121, calculated: true, nameField: true, label: 'Full Name' }),
    field('Email', 'email', { length: 128, required: true }),
    field('Alias', 'string', { length: 8, required: true }),
    field('CommunityNickname', 'string', { length: 40, defaulted: true, label: 'Nickname' }),
    field('IsActive', 'boolean', { label: 'Active' }),
    field('Title', 'string', { length: 80 }),
    field('Department', 'string', { length: 80 }),
    field('Phone', 'phone', { length: 40 }),
    field('TimeZoneSidKey', 'picklist', { picklist: ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'Asia/Tokyo', 'GMT'], required: true, restricted: true, label: 'Time Zone' }),
    field('LocaleSidKey', 'picklist', { picklist: ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP'], required: true, restricted: true, label: 'Locale' }),
    field('EmailEncodingKey', 'picklist', { picklist: ['UTF-8', 'ISO-8859-1'], required: true, restricted: true, label: 'Email Encoding' }),
    field('LanguageLocaleKey', 'picklist', { picklist: ['en_US', 'de', 'fr', 'ja'], required: true, restricted: true, label: 'Language' }),
    field('ProfileId', 'reference', { referenceTo: ['Profile'], relationshipName: 'Profile', required: true, label: 'Profile ID' }),
    field('ManagerId', 'reference', { referenceTo: ['User'], relationshipName: 'Manager', label: 'Manager ID' }),
  ],
};

/** The org itself: one read-only record whose Id is the org id (the CLI reads it after every login). */
export const ORGANIZATION: ObjectSpec = {
  name: 'Organization', label: 'Organization', labelPlural: 'Organizations', keyPrefix: '00D', custom: false,
  extra: { createable: false, deletable: false, updateable: false },
  fields: [
    ...systemFields(false).filter((f) => f.name !== 'IsDeleted'),
    field('Name', 'string', { length: 80, readOnly: true, nameField: true }),
    field('Division', 'string', { length: 80, readOnly: true }),
    field('Country', 'string', { length: 80, readOnly: true }),
    field('InstanceName', 'string', { length: 5, readOnly: true, label: 'Instance Name' }),
    field('IsSandbox', 'boolean', { readOnly: true, label: 'Is Sandbox' }),
    field('TrialExpirationDate', 'datetime', { readOnly: true, label: 'Trial Expiration Date' }),
    field('OrganizationType', 'picklist', {
      readOnly: true, label: 'Edition',
      picklist: [
        'Team Edition', 'Professional Edition', 'Enterprise Edition', 'Developer Edition', 'Unlimited Edition', 'Base Edition',
      ],
    }),
    field('NamespacePrefix', 'string', { length: 15, readOnly: true, label: 'Namespace Prefix' }),
    field('LanguageLocaleKey', 'picklist', { picklist: ['en_US'], readOnly: true, label: 'Language' }),
    field('TimeZoneSidKey', 'picklist', { picklist: ['GMT'], readOnly: true, label: 'Time Zone' }),
    field('DefaultLocaleSidKey', 'picklist', { picklist: ['en_US'], readOnly: true, label: 'Locale' }),
  ],
};
