import type { FieldDescribe } from './field.js';

/** The emulator's model of one sObject: its global describe facts and its fields. */
export interface ObjectSpec {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDescribe[];
  /** Extra top-level describe properties taken over from a loaded describe file. */
  extra?: Record<string, unknown>;
}

export const ADDRESS_PICKLISTS = {
  industry: ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting',
    'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage',
    'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit',
    'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other'],
  leadSource: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
  rating: ['Hot', 'Warm', 'Cold'],
  salutation: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'],
};
