import type { Mapping } from './mapping.js';
import { fieldByRelationship, type DescribeSObjectResult, type Field } from './describe-types.js';

export interface Suggestion {
  column: string;
  field: string;
  /** 0..1: 1 exact API name, 0.95 label, 0.9 normalised, 0.8 synonym, below that string similarity. */
  score: number;
  /** In English for the API; `why` is the same as a catalogue sentence for the pages. */
  reason: string;
  why: { key: string; params?: Record<string, string | number> };
  relationship?: { relationshipName: string; externalIdField: string };
}

/** Lowercase, accents off, `__c` off, only letters and digits: 'E-Mail Address' -> 'emailaddress'. */
export function normalise(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/__[cr]$/, '').replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Common alternative column names for standard fields. A synonym only suggests a field that exists
 * and is writable on the object, so 'company' lands on Lead.Company or Account.Name, never on the
 * read-only Contact.Name. Keys and values are normalised names.
 */
const SYNONYMS: Record<string, string[]> = {
  email: ['email'], mail: ['email'], emailaddress: ['email'],
  telephone: ['phone'], tel: ['phone'], phonenumber: ['phone'],
  mobile: ['mobilephone'], cell: ['mobilephone'], cellphone: ['mobilephone'], mobilenumber: ['mobilephone'],
  first: ['firstname'], givenname: ['firstname'], forename: ['firstname'], prenom: ['firstname'],
  last: ['lastname'], surname: ['lastname'], familyname: ['lastname'], nom: ['lastname'],
  company: ['company', 'name'], companyname: ['company', 'name'], organisation: ['company', 'name'],
  organization: ['company', 'name'], accountname: ['name'],
  web: ['website'], url: ['website'], homepage: ['website'],
  zip: ['postalcode', 'mailingpostalcode', 'billingpostalcode'], zipcode: ['postalcode', 'mailingpostalcode', 'billingpostalcode'],
  postcode: ['postalcode', 'mailingpostalcode', 'billingpostalcode'],
  city: ['city', 'mailingcity', 'billingcity'], town: ['city', 'mailingcity', 'billingcity'],
  street: ['street', 'mailingstreet', 'billingstreet'], address: ['street', 'mailingstreet', 'billingstreet'],
  state: ['state', 'mailingstate', 'billingstate'], province: ['state', 'mailingstate', 'billingstate'],
  country: ['country', 'mailingcountry', 'billingcountry'],
  jobtitle: ['title'], position: ['title'],
  dob: ['birthdate'], dateofbirth: ['birthdate'], birthday: ['birthdate'],
  notes: ['description'], comments: ['description'],
  sector: ['industry'], employees: ['numberofemployees'], headcount: ['numberofemployees'],
  revenue: ['annualrevenue'],
};

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const g = text.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen–Dice coefficient over character bigrams of two normalised names. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const x = bigrams(a);
  const y = bigrams(b);
  let shared = 0;
  for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

const SIMILARITY_FLOOR = 0.6;

function scoreField(column: string, field: Field): Omit<Suggestion, 'column'> | null {
  const col = column.trim();
  if (col.toLowerCase() === field.name.toLowerCase()) {
    return { field: field.name, score: 1, reason: 'same API name', why: { key: 'mapping.why.apiName' } };
  }
  if (field.label && col.toLowerCase() === field.label.toLowerCase()) {
    return { field: field.name, score: 0.95, reason: 'same label', why: { key: 'mapping.why.label' } };
  }
  const n = normalise(col);
  const names = [normalise(field.name), normalise(field.label)];
  if (n && names.includes(n)) return { field: field.name, score: 0.9, reason: 'same name once normalised', why: { key: 'mapping.why.normalised' } };
  if (SYNONYMS[n]?.includes(names[0])) {
    const rank = SYNONYMS[n].indexOf(names[0]);
    const params = { column: col, field: field.name };
    return { field: field.name, score: 0.8 - rank * 0.01, reason: `'${col}' is a common name for ${field.name}`, why: { key: 'mapping.why.synonym', params } };
  }
  const best = Math.max(...names.map((name) => similarity(n, name)));
  if (best < SIMILARITY_FLOOR) return null;
  const percent = Math.round(best * 100);
  return { field: field.name, score: Math.round(best * 75) / 100, reason: `similar name (${percent} %)`, why: { key: 'mapping.why.similar', params: { percent } } };
}

/**
 * `Account.External_Id__c` -> AccountId by its relationship name; the parent's field is checked
 * when its describe is known. 'none' = a relationship column that cannot work: no fuzzy guess either.
 */
function relationshipSuggestion(
  column: string, describe: DescribeSObjectResult, parents: Record<string, DescribeSObjectResult>,
): Suggestion | 'none' | null {
  const parts = column.trim().split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const field = fieldByRelationship(describe, parts[0]);
  if (!field?.relationshipName) return null;
  let externalIdField = parts[1];
  const parent = field.referenceTo.length === 1 ? parents[field.referenceTo[0]] : undefined;
  if (parent) {
    const target = parent.fields.find((f) => f.name.toLowerCase() === parts[1].toLowerCase());
    if (!target || (!target.externalId && !target.idLookup)) return 'none';
    externalIdField = target.name;
  }
  return {
    column, field: field.name, score: 1, reason: `relationship ${field.relationshipName} by ${externalIdField}`,
    why: { key: 'mapping.why.relationship', params: { relationship: field.relationshipName, key: externalIdField } },
    relationship: { relationshipName: field.relationshipName, externalIdField },
  };
}

/**
 * One suggestion per column that matches a writable field, each field used at most once (the
 * best-scoring pairs win). `parents` (describes by object name) lets relationship columns be checked.
 */
export function suggestMapping(
  columns: string[], describe: DescribeSObjectResult, parents: Record<string, DescribeSObjectResult> = {},
): Suggestion[] {
  const writable = describe.fields.filter((f) => f.createable || f.updateable || f.type === 'id');
  const candidates: Suggestion[] = [];
  for (const column of columns) {
    const relation = relationshipSuggestion(column, describe, parents);
    if (relation === 'none') continue;
    if (relation) { candidates.push(relation); continue; }
    for (const field of writable) {
      const scored = scoreField(column, field);
      if (scored) candidates.push({ column, ...scored });
    }
  }
  candidates.sort((a, b) => b.score - a.score || columns.indexOf(a.column) - columns.indexOf(b.column));
  const usedColumns = new Set<string>();
  const usedFields = new Set<string>();
  const chosen: Suggestion[] = [];
  for (const s of candidates) {
    if (usedColumns.has(s.column) || usedFields.has(s.field)) continue;
    usedColumns.add(s.column);
    usedFields.add(s.field);
    chosen.push(s);
  }
  return chosen.sort((a, b) => columns.indexOf(a.column) - columns.indexOf(b.column));
}

/** A starting mapping from the suggestions at or above `minScore`. */
export function mappingFromSuggestions(object: string, suggestions: Suggestion[], minScore = 0.6): Mapping {
  const kept = suggestions.filter((s) => s.score >= minScore);
  return {
    object,
    fields: kept.filter((s) => !s.relationship).map((s) => ({ column: s.column, field: s.field })),
    relationships: kept.flatMap((s) => (s.relationship ? [{ column: s.column, field: s.field, ...s.relationship }] : [])),
    constants: [],
  };
}
